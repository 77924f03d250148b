/* CleanCity service worker: the app shell works offline.
 * Hashed assets are served cache-first (their names change with their
 * content), pages network-first with the cached shell as fallback, and the
 * API is never cached here: the app keeps what it needs offline (the
 * questionnaire, assignments, queued interviews) in IndexedDB itself. */
const VERSION = '7c58a89c5845dc3c'
const CACHE = 'cleancity-' + VERSION
const PRECACHE = ["/","/manifest.webmanifest","/icon.svg","/assets/AreaMap-BJcDuDci.css","/assets/AreaMap-CWzQmYJj.js","/assets/BoardView-B6n18kLF.css","/assets/BoardView-Ds6B2icM.js","/assets/CaseView-BGoc7Tyd.css","/assets/CaseView-DsCS1y2G.js","/assets/CasesView-BFAvmcB5.css","/assets/CasesView-QLTItHZJ.js","/assets/DashboardView-ByekAwgA.js","/assets/DashboardView-Ez2arFit.css","/assets/FormField-Z4roTynU.js","/assets/InterviewView-KgNnClpy.css","/assets/InterviewView-ckZ-0Msr.js","/assets/LoginView-B4lqhCrU.css","/assets/LoginView-DDoRFGu3.js","/assets/NotFoundView-C7ZnsGn0.js","/assets/OverdueView-DGPJvpdo.css","/assets/OverdueView-jjhzBndC.js","/assets/PublicMapView-10owHSyv.js","/assets/PublicMapView-WR70RXDg.css","/assets/RegisterView-CnxAEuYx.js","/assets/RegisterView-_uwyuI3z.css","/assets/ReviewView-DrkLHfFM.css","/assets/ReviewView-dMbQ34dV.js","/assets/RoundPlanView-BuXLL2ia.css","/assets/RoundPlanView-CTn5dJJZ.js","/assets/RoundsView-B0VWExoD.js","/assets/RoundsView-C8NnwFC0.css","/assets/SurveyView-Cg1glm2C.css","/assets/SurveyView-DXkHnag-.js","/assets/TasksView-C07B1pjO.css","/assets/TasksView-CPHxqRHn.js","/assets/TrackView-CB0ZfcvB.css","/assets/TrackView-DoQj_0wI.js","/assets/charts-6Yvyep96.js","/assets/charts-BksOX1pR.css","/assets/dashboard-C-1pEtLZ.js","/assets/index-B-Uj8TlO.js","/assets/index-COlBVEnK.css","/assets/plan-C7u2yjlL.js","/assets/survey-BdSnMhTb.js","/assets/volunteer-JX-6Zc5i.js","/assets/vue-i18n-CFSFBuUA.js"]

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
