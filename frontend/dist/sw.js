/* CleanCity service worker: the app shell works offline.
 * Hashed assets are served cache-first (their names change with their
 * content), pages network-first with the cached shell as fallback, and the
 * API is never cached here: the app keeps what it needs offline (the
 * questionnaire, assignments, queued interviews) in IndexedDB itself. */
const VERSION = '1d0d0c7ff28a55a8'
const CACHE = 'cleancity-' + VERSION
const PRECACHE = ["/","/manifest.webmanifest","/icon.svg","/assets/AreaMap-BkJQIB4r.js","/assets/AreaMap-BoBMluaJ.css","/assets/BoardView-B6n18kLF.css","/assets/BoardView-W9y7B4te.js","/assets/CaseView-5Ap1g0fI.js","/assets/CaseView-CeopkNbv.css","/assets/CasesView-B4WsLois.css","/assets/CasesView-mCHd4Da3.js","/assets/DashboardView-CaFcfYGH.js","/assets/DashboardView-ZalrbNiy.css","/assets/ErrorBox-BKYr7Vd-.js","/assets/FormField-DLfrdzo-.js","/assets/InterviewView-B6GHNTRp.css","/assets/InterviewView-jJB5tOUU.js","/assets/LoadState-PLWWPZjr.js","/assets/LoginView-B4lqhCrU.css","/assets/LoginView-By7lBtYE.js","/assets/NotFoundView-C6qJHFxX.js","/assets/OverdueView-iz6ARist.js","/assets/PublicMapView-BbAiXD4G.css","/assets/PublicMapView-Q5qfBANy.js","/assets/RegisterView-DTunBXbO.js","/assets/RegisterView-_uwyuI3z.css","/assets/ReportView-C5kvAdtS.js","/assets/ReportView-DyP-6zc0.css","/assets/ReviewView-DDMFeXQF.js","/assets/ReviewView-Dy3Tcv23.css","/assets/RoundPlanView-B1X9mw_p.css","/assets/RoundPlanView-BjpkEKAK.js","/assets/RoundsView-CpTkGtUG.js","/assets/RoundsView-Di7AukNj.css","/assets/StatusBadge-C9s2SWBL.js","/assets/SurveyView-BUoLLcah.js","/assets/SurveyView-Bqeinoxe.css","/assets/TasksView-BrtGarCs.js","/assets/TasksView-CiqDe_Pa.css","/assets/TrackView-A5G4CsyK.css","/assets/TrackView-CHyQ_bOz.js","/assets/areas-BhKDLY-M.js","/assets/charts-BbkU3qbk.js","/assets/charts-BksOX1pR.css","/assets/complaints-BumHpyz7.js","/assets/dashboard-DSk4c24C.js","/assets/excel-D6YBuMKb.js","/assets/image-B63KSaaN.js","/assets/index-ChQ7XRoX.css","/assets/index-DUAoBo_i.js","/assets/plan-DH71MNVp.js","/assets/questionnaire-CisX1yna.js","/assets/survey-BwvWJSlA.js","/assets/useLoad-C6iDjBT5.js","/assets/volunteer-mwf9mATn.js"]

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  )
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('cleancity-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  )
})

self.addEventListener('fetch', (event) => {
  const req = event.request
  if (req.method !== 'GET') return
  const url = new URL(req.url)
  if (url.origin !== self.location.origin) return
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/open311/')) return
  if (req.mode === 'navigate') {
    event.respondWith(
      fetch(req).catch(() => caches.open(CACHE).then((c) => c.match('/')).then((r) => r || Response.error())),
    )
    return
  }
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(
      caches.open(CACHE).then((cache) =>
        cache.match(req).then(
          (hit) =>
            hit ||
            fetch(req).then((res) => {
              if (res.ok) cache.put(req, res.clone())
              return res
            }),
        ),
      ),
    )
    return
  }
  event.respondWith(fetch(req).catch(() => caches.open(CACHE).then((c) => c.match(req)).then((r) => r || Response.error())))
})
