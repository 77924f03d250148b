/* CleanCity service worker: the app shell works offline.
 * Hashed assets are served cache-first (their names change with their
 * content), pages network-first with the cached shell as fallback, and the
 * API is never cached here: the app keeps what it needs offline (the
 * questionnaire, assignments, queued interviews) in IndexedDB itself. */
const VERSION = 'c666ee93f072f0bb'
const CACHE = 'cleancity-' + VERSION
const PRECACHE = ["/","/manifest.webmanifest","/icon.svg","/assets/AreaMap-CERgsejC.js","/assets/AreaMap-D_HXy3Jo.css","/assets/BoardView-3zJnY7It.js","/assets/BoardView-B6n18kLF.css","/assets/CaseView-BGoc7Tyd.css","/assets/CaseView-DxrGfSaV.js","/assets/CasesView-BFAvmcB5.css","/assets/CasesView-D0JCh7od.js","/assets/DashboardView-D4bsVcr8.js","/assets/DashboardView-Ez2arFit.css","/assets/ErrorBox-DfDmnrZg.js","/assets/FormField-Ccb5H4wK.js","/assets/InterviewView-B6GHNTRp.css","/assets/InterviewView-CvTMamnU.js","/assets/LoadState-CXZ_Qxgf.js","/assets/LoginView-B4lqhCrU.css","/assets/LoginView-uod0sP9l.js","/assets/NotFoundView-CgnJe_bJ.js","/assets/OverdueView-D3i3fSw_.js","/assets/PublicMapView-BbAiXD4G.css","/assets/PublicMapView-Bj8EL62_.js","/assets/RegisterView-D4JtD68U.js","/assets/RegisterView-_uwyuI3z.css","/assets/ReportView-DyP-6zc0.css","/assets/ReportView-gLC_LWET.js","/assets/ReviewView-DdtFdZNi.js","/assets/ReviewView-DrkLHfFM.css","/assets/RoundPlanView-BuXLL2ia.css","/assets/RoundPlanView-CFIGC1Ko.js","/assets/RoundsView-0H1RifBJ.js","/assets/RoundsView-C8NnwFC0.css","/assets/StatusBadge-CujdWtst.js","/assets/SurveyView-Cg1glm2C.css","/assets/SurveyView-DBgPkXG7.js","/assets/TasksView-CiqDe_Pa.css","/assets/TasksView-DwqVA0Ve.js","/assets/TrackView-A5G4CsyK.css","/assets/TrackView-DRqHjr_7.js","/assets/areas-utj_DI5D.js","/assets/charts-BAPR228E.js","/assets/charts-BksOX1pR.css","/assets/complaints-BM_6d8mC.js","/assets/dashboard-Db4At7-f.js","/assets/download-B5iwq984.js","/assets/image-B63KSaaN.js","/assets/index-B8GdbKZp.js","/assets/index-CPljvp2w.css","/assets/plan-C7u2yjlL.js","/assets/survey-CYg6QzON.js","/assets/useLoad-_CAEGusF.js","/assets/volunteer-5t6EUWCt.js"]

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
