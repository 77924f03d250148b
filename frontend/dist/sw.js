/* CleanCity service worker: the app shell works offline.
 * Hashed assets are served cache-first (their names change with their
 * content), pages network-first with the cached shell as fallback, and the
 * API is never cached here: the app keeps what it needs offline (the
 * questionnaire, assignments, queued interviews) in IndexedDB itself. */
const VERSION = 'cfc1181639b05bad'
const CACHE = 'cleancity-' + VERSION
const PRECACHE = ["/","/manifest.webmanifest","/icon.svg","/assets/AreaMap-bhJsxjaJ.js","/assets/AreaMap-tbpH82LI.css","/assets/AuditView-BKQ5a0Qh.css","/assets/AuditView-CqsHi2Oa.js","/assets/BoardView-B6n18kLF.css","/assets/BoardView-nkiP__KS.js","/assets/CaseView-CKdX30r_.css","/assets/CaseView-DKn39C2J.js","/assets/CasesView-B4WsLois.css","/assets/CasesView-CyqPfV_u.js","/assets/DashboardView-RiCoCCn2.js","/assets/DashboardView-ZalrbNiy.css","/assets/InterviewView-CNK-bSmy.js","/assets/InterviewView-KgNnClpy.css","/assets/LoginView-B4lqhCrU.css","/assets/LoginView-D-Kog43n.js","/assets/ModerationView-YHTAYo9a.css","/assets/ModerationView-vE9TJsyR.js","/assets/NotFoundView-Ba9zn4Kp.js","/assets/OverdueView-DGPJvpdo.css","/assets/OverdueView-wa5x4D1x.js","/assets/PublicMapView-DMCovjav.js","/assets/PublicMapView-WR70RXDg.css","/assets/RegisterView-LjiUWm3N.js","/assets/RegisterView-_uwyuI3z.css","/assets/ReviewView-CG7SQZQU.js","/assets/ReviewView-MGvTmp5B.css","/assets/RoundPlanView-B1X9mw_p.css","/assets/RoundPlanView-Cvc7PgRI.js","/assets/RoundsView-B9yKFreb.js","/assets/RoundsView-Di7AukNj.css","/assets/SurveyView-CLw4XQey.js","/assets/SurveyView-Dp_orNxE.css","/assets/TasksView-BaD5lM-o.js","/assets/TasksView-C07B1pjO.css","/assets/TrackView-D0CGzVla.js","/assets/TrackView-Sw_EIL59.css","/assets/TriageView-1XZslb5S.js","/assets/TriageView-d_EXBpa_.css","/assets/charts-BAbj21h4.js","/assets/charts-BksOX1pR.css","/assets/dashboard-DcrZb97n.js","/assets/excel-Czma0JIJ.js","/assets/index-BBFFKuyO.css","/assets/index-CoAwoibY.js","/assets/moderation-BoDOHuaH.js","/assets/plan-DH71MNVp.js","/assets/questionnaire-L7PvrZB3.js","/assets/survey-CS4iObAs.js","/assets/volunteer-mi8MGu4L.js","/assets/vue-i18n-CFSFBuUA.js"]

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
