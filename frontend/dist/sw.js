/* CleanCity service worker: the app shell works offline.
 * Hashed assets are served cache-first (their names change with their
 * content), pages network-first with the cached shell as fallback, and the
 * API is never cached here: the app keeps what it needs offline (the
 * questionnaire, assignments, queued interviews) in IndexedDB itself. */
const VERSION = '2d6eae25f213522a'
const CACHE = 'cleancity-' + VERSION
const PRECACHE = ["/","/manifest.webmanifest","/icon.svg","/assets/AreaMap-Cbt7S3TV.js","/assets/AreaMap-D_HXy3Jo.css","/assets/BoardView-B6n18kLF.css","/assets/BoardView-BoVyrM21.js","/assets/CaseView-BGoc7Tyd.css","/assets/CaseView-myaHWP6X.js","/assets/CasesView-BFAvmcB5.css","/assets/CasesView-D9pQOCxm.js","/assets/DashboardView-8DYW9fTe.css","/assets/DashboardView-B8UZeZWR.js","/assets/ErrorBox-BNjYgSjx.js","/assets/FormField-BsJ9MWQF.js","/assets/InterviewView-B6GHNTRp.css","/assets/InterviewView-Y7BHHGJk.js","/assets/LoadState-DRvcB50I.js","/assets/LoginView-B4lqhCrU.css","/assets/LoginView-xNkp_MBX.js","/assets/NotFoundView-CwZ3Cfxb.js","/assets/OverdueView-B3dKsmqQ.js","/assets/PublicMapView-BW9Oz7SH.js","/assets/PublicMapView-BbAiXD4G.css","/assets/RegisterView-C-tJIv0H.js","/assets/RegisterView-_uwyuI3z.css","/assets/ReportView-BQP-01jf.js","/assets/ReportView-DyP-6zc0.css","/assets/ReviewView-DrkLHfFM.css","/assets/ReviewView-emclExbM.js","/assets/RoundPlanView-BuXLL2ia.css","/assets/RoundPlanView-DstqI5ig.js","/assets/RoundsView-C8NnwFC0.css","/assets/RoundsView-CnCzBhSz.js","/assets/StatusBadge-wWqqLW-u.js","/assets/SurveyView-DQH-P5ng.css","/assets/SurveyView-DnbMoCUd.js","/assets/TasksView-CiRBkSmK.js","/assets/TasksView-CiqDe_Pa.css","/assets/TrackView-A5G4CsyK.css","/assets/TrackView-BeNkjpu8.js","/assets/areas-Cne-Oe-5.js","/assets/charts-BksOX1pR.css","/assets/charts-DjyYjLfn.js","/assets/complaints-Dxuknn9U.js","/assets/dashboard-BtBC60DD.js","/assets/download-B5iwq984.js","/assets/image-B63KSaaN.js","/assets/index-C5QGMldX.js","/assets/index-Dv82cCAS.css","/assets/plan-C7u2yjlL.js","/assets/survey-D_RCJXQ4.js","/assets/useLoad-BHNTCT4s.js","/assets/volunteer-D-JABfCf.js"]

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
