/* CleanCity service worker: the app shell works offline.
 * Hashed assets are served cache-first (their names change with their
 * content), pages network-first with the cached shell as fallback, and the
 * API is never cached here: the app keeps what it needs offline (the
 * questionnaire, assignments, queued interviews) in IndexedDB itself. */
const VERSION = 'bdd8625bda368770'
const CACHE = 'cleancity-' + VERSION
const PRECACHE = ["/","/manifest.webmanifest","/icon.svg","/assets/AreaMap-sqdGIIz8.js","/assets/AreaMap-tbpH82LI.css","/assets/AuditView-BFF2pN00.js","/assets/AuditView-BKQ5a0Qh.css","/assets/BoardView-B6n18kLF.css","/assets/BoardView-DGR_Hrn_.js","/assets/CaseView-CDgpxEWJ.js","/assets/CaseView-CKdX30r_.css","/assets/CasesView-B4WsLois.css","/assets/CasesView-CbedyqUb.js","/assets/DashboardView-C-drKx9k.js","/assets/DashboardView-ZalrbNiy.css","/assets/InterviewView-C2FKuzxS.js","/assets/InterviewView-KgNnClpy.css","/assets/LoginView-B4lqhCrU.css","/assets/LoginView-CeEgPxYs.js","/assets/ModerationView-D44spR8k.js","/assets/ModerationView-YHTAYo9a.css","/assets/NotFoundView-Cws8QIdU.js","/assets/OverdueView-DGPJvpdo.css","/assets/OverdueView-UxIo8zXY.js","/assets/PublicMapView-WR70RXDg.css","/assets/PublicMapView-oBWVxzHS.js","/assets/RegisterView-DLN3tiEN.js","/assets/RegisterView-_uwyuI3z.css","/assets/ReviewView-11SmuqTN.js","/assets/ReviewView-Dy3Tcv23.css","/assets/RoundPlanView-Cu8ryi98.css","/assets/RoundPlanView-DFQfjBra.js","/assets/RoundsView-BjUDYtMH.js","/assets/RoundsView-Di7AukNj.css","/assets/SurveyView-B1yGjwnP.js","/assets/SurveyView-C9mwPaO7.css","/assets/TasksView-C07B1pjO.css","/assets/TasksView-_ZNu8egP.js","/assets/TrackView-CaVcTGJV.js","/assets/TrackView-Sw_EIL59.css","/assets/TriageView-BrdIOE88.js","/assets/TriageView-d_EXBpa_.css","/assets/charts-BZNj1fzK.js","/assets/charts-BksOX1pR.css","/assets/dashboard-DKSPM9m8.js","/assets/excel-Czma0JIJ.js","/assets/index-BBFFKuyO.css","/assets/index-Cbky0CR_.js","/assets/moderation-DO1cd_se.js","/assets/plan-DH71MNVp.js","/assets/questionnaire-L7PvrZB3.js","/assets/survey-T1q2M47j.js","/assets/volunteer-BI62tQ8C.js","/assets/vue-i18n-CFSFBuUA.js"]

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
