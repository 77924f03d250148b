/* CleanCity service worker: the app shell works offline.
 * Hashed assets are served cache-first (their names change with their
 * content), pages network-first with the cached shell as fallback, and the
 * API is never cached here: the app keeps what it needs offline (the
 * questionnaire, assignments, queued interviews) in IndexedDB itself. */
const VERSION = '51ef5cda6bf997d7'
const CACHE = 'cleancity-' + VERSION
const PRECACHE = ["/","/manifest.webmanifest","/icon.svg","/assets/AreaMap-PN-NzHCc.js","/assets/AreaMap-YLjFP43D.css","/assets/BoardView-B6n18kLF.css","/assets/BoardView-DeF0Omjw.js","/assets/CaseView-0r56NE1V.js","/assets/CaseView-BGoc7Tyd.css","/assets/CasesView-BFAvmcB5.css","/assets/CasesView-BvRTZILv.js","/assets/DashboardView-DnqEnC7a.js","/assets/DashboardView-Ez2arFit.css","/assets/FormField-Z4roTynU.js","/assets/InterviewView-D2Z_6cnV.js","/assets/InterviewView-KgNnClpy.css","/assets/LoginView-B4lqhCrU.css","/assets/LoginView-CIqvLYK6.js","/assets/NotFoundView-CVShMwKW.js","/assets/OverdueView-BT3xROE8.js","/assets/OverdueView-DGPJvpdo.css","/assets/PublicMapView-ByRbmvGL.js","/assets/PublicMapView-WR70RXDg.css","/assets/RegisterView-_uwyuI3z.css","/assets/RegisterView-h3HFNGVv.js","/assets/ReviewView-B7-NRtg-.js","/assets/ReviewView-DrkLHfFM.css","/assets/RoundPlanView-BuXLL2ia.css","/assets/RoundPlanView-C5ZjWtXw.js","/assets/RoundsView-C8NnwFC0.css","/assets/RoundsView-lw1GvbH-.js","/assets/SurveyView-Cg1glm2C.css","/assets/SurveyView-G-EkPfdT.js","/assets/TasksView-BA6F65Xy.js","/assets/TasksView-C07B1pjO.css","/assets/TrackView--aHIuFR4.js","/assets/TrackView-CB0ZfcvB.css","/assets/charts-BksOX1pR.css","/assets/charts-C0HMZ9CU.js","/assets/dashboard-C7Yp6uW8.js","/assets/index-CCBECQx5.js","/assets/index-CObosKbg.css","/assets/plan-C7u2yjlL.js","/assets/survey-rxuHkd26.js","/assets/volunteer-8Qyg-G5R.js","/assets/vue-i18n-CFSFBuUA.js"]

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
