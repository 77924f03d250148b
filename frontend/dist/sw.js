/* CleanCity service worker: the app shell works offline.
 * Hashed assets are served cache-first (their names change with their
 * content), pages network-first with the cached shell as fallback, and the
 * API is never cached here: the app keeps what it needs offline (the
 * questionnaire, assignments, queued interviews) in IndexedDB itself. */
const VERSION = '73c676ee55dae5df'
const CACHE = 'cleancity-' + VERSION
const PRECACHE = ["/","/manifest.webmanifest","/icon.svg","/assets/AreaMap-CAb4VP5h.js","/assets/AreaMap-D_HXy3Jo.css","/assets/BoardView-B6n18kLF.css","/assets/BoardView-DVyTuboC.js","/assets/CaseView-BGoc7Tyd.css","/assets/CaseView-BfzZBvfo.js","/assets/CasesView-B9ZcOeyr.js","/assets/CasesView-BFAvmcB5.css","/assets/DashboardView-CSejA_mM.js","/assets/DashboardView-Ez2arFit.css","/assets/ErrorBox-BDgaUQlY.js","/assets/FormField-ByOQgE28.js","/assets/InterviewView-B6GHNTRp.css","/assets/InterviewView-nZCx86as.js","/assets/LoadState-BSfNerO4.js","/assets/LoginView-B4lqhCrU.css","/assets/LoginView-DlVcb0OT.js","/assets/NotFoundView-CKFLR47Y.js","/assets/OverdueView-CqkGKZz4.js","/assets/PublicMapView-BbAiXD4G.css","/assets/PublicMapView-D5wuW2C6.js","/assets/RegisterView-CvunQnLG.js","/assets/RegisterView-_uwyuI3z.css","/assets/ReportView-DyP-6zc0.css","/assets/ReportView-rC0Ni5rY.js","/assets/ReviewView-DrkLHfFM.css","/assets/ReviewView-rv74Khc4.js","/assets/RoundPlanView-BuXLL2ia.css","/assets/RoundPlanView-CqgNjQvi.js","/assets/RoundsView-C8NnwFC0.css","/assets/RoundsView-CO5R8hMn.js","/assets/StatusBadge-CtHSfI5r.js","/assets/SurveyView-B-lX2Vtf.css","/assets/SurveyView-BrGP6HM8.js","/assets/TasksView-CiqDe_Pa.css","/assets/TasksView-CmKI0N4u.js","/assets/TrackView-A5G4CsyK.css","/assets/TrackView-BMzT2AyS.js","/assets/areas-COlgEUhf.js","/assets/charts-BksOX1pR.css","/assets/charts-DBWAFCXI.js","/assets/complaints-Bijn4hu6.js","/assets/dashboard-DntCAjcB.js","/assets/download-B5iwq984.js","/assets/image-B63KSaaN.js","/assets/index-CPljvp2w.css","/assets/index-DZg2LEbz.js","/assets/plan-C7u2yjlL.js","/assets/survey-C9HxUYbS.js","/assets/useLoad-BE7VJeoO.js","/assets/volunteer-BJHjbHwN.js"]

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
