/* CleanCity service worker: the app shell works offline.
 * Hashed assets are served cache-first (their names change with their
 * content), pages network-first with the cached shell as fallback, and the
 * API is never cached here: the app keeps what it needs offline (the
 * questionnaire, assignments, queued interviews) in IndexedDB itself. */
const VERSION = '699b37aa560aa467'
const CACHE = 'cleancity-' + VERSION
const PRECACHE = ["/","/manifest.webmanifest","/icon.svg","/assets/AreaMap-D_HXy3Jo.css","/assets/AreaMap-lNurUBZ9.js","/assets/BoardView-BNvVj4Lf.js","/assets/BoardView-C6QkfaGM.css","/assets/CaseView-BRxXV5h6.css","/assets/CaseView-CxSMLYa5.js","/assets/CasesView-BFAvmcB5.css","/assets/CasesView-CmpH3_uk.js","/assets/DashboardView-BlOjX9Z6.js","/assets/DashboardView-C02xns52.css","/assets/ErrorBox-BRYmX0aK.js","/assets/FormField-B_brd9tA.js","/assets/InterviewView-B6GHNTRp.css","/assets/InterviewView-DjGaNyCP.js","/assets/LoadState-CG6Qdn-f.js","/assets/LoginView-B4lqhCrU.css","/assets/LoginView-CUe39DOs.js","/assets/NotFoundView-qEFMqn-U.js","/assets/OverdueView-Cdvyo4dO.js","/assets/PublicMapView-B0-MTNNb.js","/assets/PublicMapView-BbAiXD4G.css","/assets/RegisterView-ByM03uaf.js","/assets/RegisterView-_uwyuI3z.css","/assets/ReportView-DyP-6zc0.css","/assets/ReportView-RLB7sZ_J.js","/assets/RoundsView-BJcyYNKN.css","/assets/RoundsView-DHD7MDSK.js","/assets/StatusBadge-C8dC8pAR.js","/assets/SurveyView-B7QCxmBM.css","/assets/SurveyView-BWIF9TM1.js","/assets/TasksView-CiqDe_Pa.css","/assets/TasksView-eKWyI5aU.js","/assets/TrackView-A5G4CsyK.css","/assets/TrackView-DnyLMKg0.js","/assets/aggregate-CqOYpUOS.js","/assets/areas-BlRfoun5.js","/assets/charts-BjAqA557.js","/assets/charts-BksOX1pR.css","/assets/complaints-CRQoslzH.js","/assets/download-B5iwq984.js","/assets/image-B63KSaaN.js","/assets/index-DHt9IAW4.css","/assets/index-DZ7J9KMG.js","/assets/survey-t4MQNQ1f.js","/assets/useLoad-BVxWE869.js","/assets/volunteer-CcRN8CQM.js"]

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
