/* CleanCity service worker: the app shell works offline.
 * Hashed assets are served cache-first (their names change with their
 * content), pages network-first with the cached shell as fallback, and the
 * API is never cached here: the app keeps what it needs offline (the
 * questionnaire, assignments, queued interviews) in IndexedDB itself. */
const VERSION = 'ad363fcaa0743e85'
const CACHE = 'cleancity-' + VERSION
const PRECACHE = ["/","/manifest.webmanifest","/icon.svg","/assets/AreaMap-BYdB5Pk8.js","/assets/AreaMap-BoBMluaJ.css","/assets/BoardView-B6n18kLF.css","/assets/BoardView-DR8aNFh3.js","/assets/CaseView-CeopkNbv.css","/assets/CaseView-b4_Cr_CP.js","/assets/CasesView-B4WsLois.css","/assets/CasesView-Dapsl8ra.js","/assets/DashboardView-ZalrbNiy.css","/assets/DashboardView-kagKJpvN.js","/assets/ErrorBox-yPvkASwC.js","/assets/FormField-BDjBPbUh.js","/assets/InterviewView-B6GHNTRp.css","/assets/InterviewView-a_NzWIzn.js","/assets/LoadState-C2OwuGLz.js","/assets/LoginView-B4lqhCrU.css","/assets/LoginView-CgjilXy_.js","/assets/NotFoundView-9_Ajl3av.js","/assets/OverdueView-DG48KoKD.js","/assets/PublicMapView-BbAiXD4G.css","/assets/PublicMapView-DY3fllsO.js","/assets/RegisterView-Cz-7NdMd.js","/assets/RegisterView-_uwyuI3z.css","/assets/ReportView-DtVKKeEI.js","/assets/ReportView-DyP-6zc0.css","/assets/ReviewView-BxS-K9_h.js","/assets/ReviewView-Dy3Tcv23.css","/assets/RoundPlanView-Cg4SoLpj.js","/assets/RoundPlanView-Cu8ryi98.css","/assets/RoundsView-C1k6dFAF.js","/assets/RoundsView-Di7AukNj.css","/assets/StatusBadge-vXV_2lQk.js","/assets/SurveyView-Bqeinoxe.css","/assets/SurveyView-okUVmXfK.js","/assets/TasksView-CiqDe_Pa.css","/assets/TasksView-DSat7Gp-.js","/assets/TrackView-A5G4CsyK.css","/assets/TrackView-DKSuVATO.js","/assets/areas-oNwtYq05.js","/assets/charts-BksOX1pR.css","/assets/charts-Dj8KqWo5.js","/assets/complaints-C1xFc-US.js","/assets/dashboard-BUlmmzWz.js","/assets/excel-D6YBuMKb.js","/assets/image-B63KSaaN.js","/assets/index-ChQ7XRoX.css","/assets/index-UexjWfqT.js","/assets/plan-DH71MNVp.js","/assets/questionnaire-CisX1yna.js","/assets/survey-D9ibBh7T.js","/assets/useLoad-08frO5yT.js","/assets/volunteer-CZLETQyl.js"]

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
