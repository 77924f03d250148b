/* CleanCity service worker: the app shell works offline.
 * Hashed assets are served cache-first (their names change with their
 * content), pages network-first with the cached shell as fallback, and the
 * API is never cached here: the app keeps what it needs offline (the
 * questionnaire, assignments, queued interviews) in IndexedDB itself. */
const VERSION = '20c2aaae8e9dd12b'
const CACHE = 'cleancity-' + VERSION
const PRECACHE = ["/","/manifest.webmanifest","/icon.svg","/assets/AreaMap-D_HXy3Jo.css","/assets/AreaMap-DvO3LCpw.js","/assets/BoardView-B6n18kLF.css","/assets/BoardView-DThpl6Uh.js","/assets/CaseView-BGoc7Tyd.css","/assets/CaseView-BUBkIFjA.js","/assets/CasesView-BFAvmcB5.css","/assets/CasesView-DKKfWPUC.js","/assets/DashboardView-8DYW9fTe.css","/assets/DashboardView-FPDheM97.js","/assets/ErrorBox-ChQCmAGQ.js","/assets/FormField-riOIpb0x.js","/assets/InterviewView-B6GHNTRp.css","/assets/InterviewView-C8fF_xk0.js","/assets/LoadState-DGz7FaxK.js","/assets/LoginView-B4lqhCrU.css","/assets/LoginView-C5trPzkT.js","/assets/NotFoundView-BkfICMFG.js","/assets/OverdueView-DJXWAAhP.js","/assets/PublicMapView-BbAiXD4G.css","/assets/PublicMapView-TdqBeZRs.js","/assets/RegisterView-BSoQNzBI.js","/assets/RegisterView-_uwyuI3z.css","/assets/ReportView-CdIzux7I.js","/assets/ReportView-DyP-6zc0.css","/assets/ReviewView-BBUPvJxw.js","/assets/ReviewView-DrkLHfFM.css","/assets/RoundPlanView-DDOzXdMr.css","/assets/RoundPlanView-DxyCu25Q.js","/assets/RoundsView-C8NnwFC0.css","/assets/RoundsView-COdL-rL_.js","/assets/StatusBadge-GM82qDR8.js","/assets/SurveyView-CM6VTy1J.js","/assets/SurveyView-RgMun8ZU.css","/assets/TasksView-Cb--ErJE.js","/assets/TasksView-CiqDe_Pa.css","/assets/TrackView-A5G4CsyK.css","/assets/TrackView-D9UDQsUX.js","/assets/areas-Xv1oTfc6.js","/assets/charts-BksOX1pR.css","/assets/charts-DQAYNAm1.js","/assets/complaints-BSMH7J7w.js","/assets/dashboard-CVtW0kKm.js","/assets/download-B5iwq984.js","/assets/image-B63KSaaN.js","/assets/index-CPcJ-jTn.js","/assets/index-Dv82cCAS.css","/assets/plan-C7u2yjlL.js","/assets/survey-C5FinVPR.js","/assets/useLoad-DGRHxMmT.js","/assets/volunteer-Pp55nP0R.js"]

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
