/* CleanCity service worker: the app shell works offline.
 * Hashed assets are served cache-first (their names change with their
 * content), pages network-first with the cached shell as fallback, and the
 * API is never cached here: the app keeps what it needs offline (the
 * questionnaire, assignments, queued interviews) in IndexedDB itself. */
const VERSION = '9502a18263b05ad4'
const CACHE = 'cleancity-' + VERSION
const PRECACHE = ["/","/manifest.webmanifest","/icon.svg","/assets/AreaMap-D2BNiJJz.js","/assets/AreaMap-D_HXy3Jo.css","/assets/BoardView-B6n18kLF.css","/assets/BoardView-BDOEqONL.js","/assets/CaseView-BGoc7Tyd.css","/assets/CaseView-w1ENuavS.js","/assets/CasesView-BFAvmcB5.css","/assets/CasesView-zpp7E4t_.js","/assets/DashboardView-8DYW9fTe.css","/assets/DashboardView-v6eY-n73.js","/assets/ErrorBox-G3CSkkux.js","/assets/FormField-LEeEWzJ3.js","/assets/InterviewView-B6GHNTRp.css","/assets/InterviewView-D0eZ8FYh.js","/assets/LoadState-DDG_LhRC.js","/assets/LoginView-B4lqhCrU.css","/assets/LoginView-DGAwFhmf.js","/assets/NotFoundView-zGAeJnb-.js","/assets/OverdueView-BCPFV391.js","/assets/PublicMapView-BbAiXD4G.css","/assets/PublicMapView-DAseGtFk.js","/assets/RegisterView-Cw7OkhAL.js","/assets/RegisterView-_uwyuI3z.css","/assets/ReportView-COyeVBm-.js","/assets/ReportView-DyP-6zc0.css","/assets/RoundsView-BJcyYNKN.css","/assets/RoundsView-D9XCRsOZ.js","/assets/StatusBadge-Bd6Ra_Sg.js","/assets/SurveyView-RgMun8ZU.css","/assets/SurveyView-xkv99B6V.js","/assets/TasksView-CiqDe_Pa.css","/assets/TasksView-rb-DZ-n8.js","/assets/TrackView-A5G4CsyK.css","/assets/TrackView-D2icGqCX.js","/assets/areas-BYZJnEEA.js","/assets/charts-BksOX1pR.css","/assets/charts-e-OFgAOZ.js","/assets/complaints-B35xfCJn.js","/assets/dashboard-BuKHYOf1.js","/assets/download-B5iwq984.js","/assets/image-B63KSaaN.js","/assets/index-DeWcuMfH.js","/assets/index-Dv82cCAS.css","/assets/survey-BRfyP8IG.js","/assets/useLoad-Dru9hbWi.js","/assets/volunteer-CcfASbvr.js"]

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
