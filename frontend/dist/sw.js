/* CleanCity service worker: the app shell works offline.
 * Hashed assets are served cache-first (their names change with their
 * content), pages network-first with the cached shell as fallback, and the
 * API is never cached here: the app keeps what it needs offline (the
 * questionnaire, assignments, queued interviews) in IndexedDB itself. */
const VERSION = '2a5655867963ce63'
const CACHE = 'cleancity-' + VERSION
const PRECACHE = ["/","/manifest.webmanifest","/icon.svg","/assets/AreaMap-C7Pid4xm.js","/assets/AreaMap-tbpH82LI.css","/assets/AuditView-BKQ5a0Qh.css","/assets/AuditView-xGvqxxxh.js","/assets/BoardView-B6n18kLF.css","/assets/BoardView-BpWgnN5T.js","/assets/CaseView-CKdX30r_.css","/assets/CaseView-CWTqvTR9.js","/assets/CasesView-B4WsLois.css","/assets/CasesView-CauPUnZ5.js","/assets/DashboardView-BxzxxwLb.js","/assets/DashboardView-ZalrbNiy.css","/assets/InterviewView-KgNnClpy.css","/assets/InterviewView-P2ur1fl4.js","/assets/LoginView-2yaZh45N.js","/assets/LoginView-B4lqhCrU.css","/assets/ModerationView-C2Vn-MPt.js","/assets/ModerationView-YHTAYo9a.css","/assets/NotFoundView-BMCpikOn.js","/assets/OverdueView-DGPJvpdo.css","/assets/OverdueView-fK_peDwB.js","/assets/PublicMapView-FWf3ga2c.js","/assets/PublicMapView-WR70RXDg.css","/assets/RegisterView-DO5SF_1L.js","/assets/RegisterView-_uwyuI3z.css","/assets/ReviewView-Dy3Tcv23.css","/assets/ReviewView-jDo3d_no.js","/assets/RoundPlanView-Cu8ryi98.css","/assets/RoundPlanView-DZOd-wMr.js","/assets/RoundsView-BIq05VhJ.js","/assets/RoundsView-Di7AukNj.css","/assets/SurveyView-C9mwPaO7.css","/assets/SurveyView-ZuXR2KYK.js","/assets/TasksView-C07B1pjO.css","/assets/TasksView-Vu3iJgQB.js","/assets/TrackView-Sw_EIL59.css","/assets/TrackView-jGPVEqt5.js","/assets/TriageView-_P8Ly7yS.js","/assets/TriageView-d_EXBpa_.css","/assets/charts-BksOX1pR.css","/assets/charts-BwDAlnHQ.js","/assets/dashboard-pBObAlvq.js","/assets/excel-Czma0JIJ.js","/assets/index-BZ_6hHhW.js","/assets/index-sE5FbXwf.css","/assets/moderation-DH98A2Jj.js","/assets/plan-DH71MNVp.js","/assets/questionnaire-L7PvrZB3.js","/assets/survey-B3GmQqWk.js","/assets/volunteer-Bfqdibij.js","/assets/vue-i18n-CFSFBuUA.js"]

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
