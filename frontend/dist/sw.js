/* CleanCity service worker: the app shell works offline.
 * Hashed assets are served cache-first (their names change with their
 * content), pages network-first with the cached shell as fallback, and the
 * API is never cached here: the app keeps what it needs offline (the
 * questionnaire, assignments, queued interviews) in IndexedDB itself. */
const VERSION = '82c3d641a8daca5d'
const CACHE = 'cleancity-' + VERSION
const PRECACHE = ["/","/manifest.webmanifest","/icon.svg","/assets/AreaMap-C94SOCZv.js","/assets/AreaMap-D_HXy3Jo.css","/assets/BoardView-B6n18kLF.css","/assets/BoardView-CeRCudyb.js","/assets/CaseView-BGoc7Tyd.css","/assets/CaseView-BeCIrT77.js","/assets/CasesView-BFAvmcB5.css","/assets/CasesView-DfYBU2H5.js","/assets/DashboardView-8DYW9fTe.css","/assets/DashboardView-C_oW7n1M.js","/assets/ErrorBox-DK4HBViM.js","/assets/FormField-J1cNRvLb.js","/assets/InterviewView-B6GHNTRp.css","/assets/InterviewView-DNjax5ja.js","/assets/LoadState-BRIpKC8Y.js","/assets/LoginView-B2dYj-g1.js","/assets/LoginView-B4lqhCrU.css","/assets/NotFoundView-CRdCx8rc.js","/assets/OverdueView-HV2lgzJ0.js","/assets/PublicMapView-4TUEUdl8.js","/assets/PublicMapView-BbAiXD4G.css","/assets/RegisterView-COnm4rAS.js","/assets/RegisterView-_uwyuI3z.css","/assets/ReportView-Do76VMVY.js","/assets/ReportView-DyP-6zc0.css","/assets/ReviewView-B3RfD3ej.js","/assets/ReviewView-DrkLHfFM.css","/assets/RoundPlanView-BuXLL2ia.css","/assets/RoundPlanView-DGjV1oPN.js","/assets/RoundsView-C8NnwFC0.css","/assets/RoundsView-DV1HIxn0.js","/assets/StatusBadge-TXpIO3RD.js","/assets/SurveyView-DSwYBje2.js","/assets/SurveyView-RgMun8ZU.css","/assets/TasksView-BGNaCdEi.js","/assets/TasksView-CiqDe_Pa.css","/assets/TrackView-A5G4CsyK.css","/assets/TrackView-Bcoq9vSN.js","/assets/areas-B13vx8Vc.js","/assets/charts-BKgVaAWV.js","/assets/charts-BksOX1pR.css","/assets/complaints-GZUK1Xf6.js","/assets/dashboard-n5BjjunE.js","/assets/download-B5iwq984.js","/assets/image-B63KSaaN.js","/assets/index-DXJ6sCzM.js","/assets/index-Dv82cCAS.css","/assets/plan-C7u2yjlL.js","/assets/survey-DFLduPfi.js","/assets/useLoad-GcZlojHd.js","/assets/volunteer-CjnXkOCt.js"]

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
