/* CleanCity service worker: the app shell works offline.
 * Hashed assets are served cache-first (their names change with their
 * content), pages network-first with the cached shell as fallback, and the
 * API is never cached here: the app keeps what it needs offline (the
 * questionnaire, assignments, queued interviews) in IndexedDB itself. */
const VERSION = '63f6aed08c0cfe1f'
const CACHE = 'cleancity-' + VERSION
const PRECACHE = ["/","/manifest.webmanifest","/icon.svg","/assets/AreaMap-BAIWJ0qj.js","/assets/AreaMap-D_HXy3Jo.css","/assets/BoardView-B6n18kLF.css","/assets/BoardView-CWq-sB0J.js","/assets/CaseView-7dGYtiEK.js","/assets/CaseView-BGoc7Tyd.css","/assets/CasesView-BFAvmcB5.css","/assets/CasesView-DLYC1C3r.js","/assets/DashboardView-8DYW9fTe.css","/assets/DashboardView-JlcHKWA-.js","/assets/ErrorBox-CyEQL39k.js","/assets/FormField-DCchKHxt.js","/assets/InterviewView-B6GHNTRp.css","/assets/InterviewView-DOZL0s0a.js","/assets/LoadState-In5AqihH.js","/assets/LoginView-B4lqhCrU.css","/assets/LoginView-Cm0mrsb8.js","/assets/NotFoundView-BRwBPtqN.js","/assets/OverdueView-bgKEb-C_.js","/assets/PublicMapView-BbAiXD4G.css","/assets/PublicMapView-C-hnTMWr.js","/assets/RegisterView-C-shX3bY.js","/assets/RegisterView-_uwyuI3z.css","/assets/ReportView-CjB4edSq.js","/assets/ReportView-DyP-6zc0.css","/assets/ReviewView-DYitx1WX.js","/assets/ReviewView-DrkLHfFM.css","/assets/RoundPlanView-CKi5juIg.js","/assets/RoundPlanView-DDOzXdMr.css","/assets/RoundsView-C8NnwFC0.css","/assets/RoundsView-dJ5YeC7s.js","/assets/StatusBadge-CfG_0IwS.js","/assets/SurveyView-RgMun8ZU.css","/assets/SurveyView-dTP11Uya.js","/assets/TasksView-CiqDe_Pa.css","/assets/TasksView-Db_Ejy-W.js","/assets/TrackView-A5G4CsyK.css","/assets/TrackView-DItORNLB.js","/assets/areas-JstSm0mh.js","/assets/charts-BBtLWcam.js","/assets/charts-BksOX1pR.css","/assets/complaints-C3h5VsNp.js","/assets/dashboard-C-0WGVgi.js","/assets/download-B5iwq984.js","/assets/image-B63KSaaN.js","/assets/index-Dv82cCAS.css","/assets/index-DvsVw1k9.js","/assets/plan-C7u2yjlL.js","/assets/survey-C6U2tNhX.js","/assets/useLoad-D0c_jGbd.js","/assets/volunteer-Clhm6eMA.js"]

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
