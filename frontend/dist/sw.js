/* CleanCity service worker: the app shell works offline.
 * Hashed assets are served cache-first (their names change with their
 * content), pages network-first with the cached shell as fallback, and the
 * API is never cached here: the app keeps what it needs offline (the
 * questionnaire, assignments, queued interviews) in IndexedDB itself. */
const VERSION = 'e5a35e1aa2678be3'
const CACHE = 'cleancity-' + VERSION
const PRECACHE = ["/","/manifest.webmanifest","/icon.svg","/assets/AreaMap-D_HXy3Jo.css","/assets/AreaMap-Zzk4ubki.js","/assets/BoardView-B6n18kLF.css","/assets/BoardView-DlyRprZ_.js","/assets/CaseView-BArCESFn.js","/assets/CaseView-BGoc7Tyd.css","/assets/CasesView-BFAvmcB5.css","/assets/CasesView-Bpu5_dK7.js","/assets/DashboardView-DGIIK_-5.js","/assets/DashboardView-Ez2arFit.css","/assets/ErrorBox-BkyBOj6X.js","/assets/FormField-By4_xLw7.js","/assets/InterviewView-923cGFbn.js","/assets/InterviewView-B6GHNTRp.css","/assets/LoadState-CeQHmIno.js","/assets/LoginView-B4lqhCrU.css","/assets/LoginView-VS7vYVbP.js","/assets/ModerationView-CLhlmsxc.js","/assets/ModerationView-DpRZ5zbk.css","/assets/NotFoundView-ikokmlzN.js","/assets/OverdueView-BrhVt5k0.js","/assets/PublicMapView-2cXuhIgN.js","/assets/PublicMapView-BbAiXD4G.css","/assets/RegisterView-C-ttJOW3.js","/assets/RegisterView-_uwyuI3z.css","/assets/ReportView-5JUuiKtj.js","/assets/ReportView-CqVPcXWS.css","/assets/ReviewView-BpwL9rGC.js","/assets/ReviewView-DrkLHfFM.css","/assets/RoundPlanView-BTdRiCPp.js","/assets/RoundPlanView-BuXLL2ia.css","/assets/RoundsView-C8NnwFC0.css","/assets/RoundsView-CsG6OfPN.js","/assets/StatusBadge-3aYGKIvj.js","/assets/SurveyView-BMlqrqq5.js","/assets/SurveyView-Cg1glm2C.css","/assets/TasksView-BfKW1LBt.js","/assets/TasksView-CiqDe_Pa.css","/assets/TrackView-Bp_JGy-S.css","/assets/TrackView-Dw-tFtCW.js","/assets/TriageView-CEf-pSv6.js","/assets/TriageView-d_EXBpa_.css","/assets/areas-CRbE8Urn.js","/assets/charts-BksOX1pR.css","/assets/charts-C6iiYyNF.js","/assets/complaints-CXXDQ9kO.js","/assets/dashboard-DdsihqfQ.js","/assets/download-B5iwq984.js","/assets/image-B63KSaaN.js","/assets/index-CPljvp2w.css","/assets/index-ChF9YIU2.js","/assets/moderation-it1ULVvy.js","/assets/plan-C7u2yjlL.js","/assets/survey-BreUo-fp.js","/assets/useLoad-1zzcsnse.js","/assets/volunteer-DbkRTBrE.js"]

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
