/* CleanCity service worker: the app shell works offline.
 * Hashed assets are served cache-first (their names change with their
 * content), pages network-first with the cached shell as fallback, and the
 * API is never cached here: the app keeps what it needs offline (the
 * questionnaire, assignments, queued interviews) in IndexedDB itself. */
const VERSION = 'd9ee1897e6c1edd1'
const CACHE = 'cleancity-' + VERSION
const PRECACHE = ["/","/manifest.webmanifest","/icon.svg","/assets/AreaMap-BU2eCvqC.js","/assets/AreaMap-BjwUdNr9.css","/assets/AuditView-BKQ5a0Qh.css","/assets/AuditView-C9tVjiuq.js","/assets/BoardView-B6n18kLF.css","/assets/BoardView-BBidLEle.js","/assets/CaseView-CKdX30r_.css","/assets/CaseView-DerLa5VY.js","/assets/CasesView-B4WsLois.css","/assets/CasesView-Dp86XAnG.js","/assets/CategoryIcon-D63PED_p.js","/assets/DashboardView-DX8q2_aO.js","/assets/DashboardView-ZalrbNiy.css","/assets/ErrorBox-uaFrqb9x.js","/assets/FormField-DDLX3ZrH.js","/assets/InterviewView-D4kbZzor.js","/assets/InterviewView-KgNnClpy.css","/assets/LoadState-LATHZahT.js","/assets/LoginView-B4lqhCrU.css","/assets/LoginView-Ckkpf0LG.js","/assets/ModerationView-CLVK6p29.js","/assets/ModerationView-YHTAYo9a.css","/assets/NotFoundView-DawFIsw4.js","/assets/OverdueView-Buiy74mn.js","/assets/OverdueView-DGPJvpdo.css","/assets/PublicMapView-7PQAi3Jx.js","/assets/PublicMapView-C5-Rj_VY.css","/assets/RegisterView-BHgqROf2.js","/assets/RegisterView-_uwyuI3z.css","/assets/ReportView-De0apWql.css","/assets/ReportView-MXVh5WjE.js","/assets/ReviewView-MGvTmp5B.css","/assets/ReviewView-rKHbXXLv.js","/assets/RoundPlanView-B1X9mw_p.css","/assets/RoundPlanView-CaLrGkWW.js","/assets/RoundsView-CZv_9-Aa.js","/assets/RoundsView-Di7AukNj.css","/assets/StatusBadge-FMhcSK5T.js","/assets/SurveyView-B6mvLXzc.js","/assets/SurveyView-Dp_orNxE.css","/assets/TasksView-C07B1pjO.css","/assets/TasksView-J9Czo0H-.js","/assets/TrackView-Sw_EIL59.css","/assets/TrackView-ndHMoZp6.js","/assets/TriageView-ZQo25Vsa.js","/assets/TriageView-d_EXBpa_.css","/assets/areas-DKDbRhQz.js","/assets/charts-BksOX1pR.css","/assets/charts-Dkd5iHON.js","/assets/complaints-Dj_gYHKz.js","/assets/dashboard-Di4iJklR.js","/assets/download-B5iwq984.js","/assets/excel-Czma0JIJ.js","/assets/image-B63KSaaN.js","/assets/index-BelCtLyi.js","/assets/index-ChQ7XRoX.css","/assets/moderation-CLOs2Ka2.js","/assets/plan-DH71MNVp.js","/assets/questionnaire-L7PvrZB3.js","/assets/survey-CDpXejnq.js","/assets/useLoad-CAm3NKA8.js","/assets/volunteer-BKY6dErn.js"]

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
