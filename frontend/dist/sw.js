/* CleanCity service worker: the app shell works offline.
 * Hashed assets are served cache-first (their names change with their
 * content), pages network-first with the cached shell as fallback, and the
 * API is never cached here: the app keeps what it needs offline (the
 * questionnaire, assignments, queued interviews) in IndexedDB itself. */
const VERSION = '307888327167a491'
const CACHE = 'cleancity-' + VERSION
const PRECACHE = ["/","/manifest.webmanifest","/icon.svg","/assets/AreaMap-B040BsIs.css","/assets/AreaMap-DhXyOzGw.js","/assets/BoardView-B6n18kLF.css","/assets/BoardView-BE-fv7YU.js","/assets/CaseView-B5T8Eigl.js","/assets/CaseView-BGoc7Tyd.css","/assets/CasesView-BFAvmcB5.css","/assets/CasesView-BpSg0c3m.js","/assets/CategoryIcon-LT42QZF9.js","/assets/DashboardView-DDoRhqYQ.js","/assets/DashboardView-Ez2arFit.css","/assets/ErrorBox-Dhwpndcy.js","/assets/FormField-QZ5fzDDt.js","/assets/InterviewView-Buiwncrv.js","/assets/InterviewView-KgNnClpy.css","/assets/LoadState-CfE_UhCH.js","/assets/LoginView-B4lqhCrU.css","/assets/LoginView-Cl6vowWQ.js","/assets/NotFoundView-G7mToIj9.js","/assets/OverdueView-DGPJvpdo.css","/assets/OverdueView-DxZ0YeNm.js","/assets/PublicMapView-Bu13dMci.js","/assets/PublicMapView-C5-Rj_VY.css","/assets/RegisterView-DEA9qhot.js","/assets/RegisterView-_uwyuI3z.css","/assets/ReportView-Dsmu8CTO.js","/assets/ReportView-ySqAjGXI.css","/assets/ReviewView-DrkLHfFM.css","/assets/ReviewView-yK3ymrTG.js","/assets/RoundPlanView-BEHxqGZV.js","/assets/RoundPlanView-BuXLL2ia.css","/assets/RoundsView-BVsxlEQA.js","/assets/RoundsView-C8NnwFC0.css","/assets/StatusBadge-J2DMfAyi.js","/assets/SurveyView-CFlOoOTy.js","/assets/SurveyView-Cg1glm2C.css","/assets/TasksView-C07B1pjO.css","/assets/TasksView-DvILOZvX.js","/assets/TrackView-CB0ZfcvB.css","/assets/TrackView-DiYW0_HY.js","/assets/areas-9pQG3N8Z.js","/assets/charts-BksOX1pR.css","/assets/charts-G4mFCRUG.js","/assets/complaints-Cpry9JKy.js","/assets/dashboard-CVuIPT6p.js","/assets/download-B5iwq984.js","/assets/image-B63KSaaN.js","/assets/index-8o_nzVdC.js","/assets/index-CPljvp2w.css","/assets/plan-C7u2yjlL.js","/assets/survey-CGlWSldi.js","/assets/useLoad-Hz4aH4o2.js","/assets/volunteer-E-zQMUOX.js"]

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
