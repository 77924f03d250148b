/* CleanCity service worker: the app shell works offline.
 * Hashed assets are served cache-first (their names change with their
 * content), pages network-first with the cached shell as fallback, and the
 * API is never cached here: the app keeps what it needs offline (the
 * questionnaire, assignments, queued interviews) in IndexedDB itself. */
const VERSION = 'b1456c377d780691'
const CACHE = 'cleancity-' + VERSION
const PRECACHE = ["/","/manifest.webmanifest","/icon.svg","/assets/AreaMap-D_HXy3Jo.css","/assets/AreaMap-J9srSNlv.js","/assets/BoardView-B6n18kLF.css","/assets/BoardView-DS-PFEWj.js","/assets/CaseView-BGoc7Tyd.css","/assets/CaseView-Bp27mPAS.js","/assets/CasesView-BFAvmcB5.css","/assets/CasesView-DCiEKDdV.js","/assets/DashboardView-8DYW9fTe.css","/assets/DashboardView-C4azWur_.js","/assets/ErrorBox-Ql2_l77g.js","/assets/FormField-Dhym3ZH0.js","/assets/InterviewView-B6GHNTRp.css","/assets/InterviewView-BpEKs9RW.js","/assets/LoadState-BAAIZoz3.js","/assets/LoginView-B4lqhCrU.css","/assets/LoginView-C0idGljW.js","/assets/NotFoundView-BC7jvxBH.js","/assets/OverdueView-CyqZatZy.js","/assets/PublicMapView-BbAiXD4G.css","/assets/PublicMapView-ByRitN9k.js","/assets/RegisterView-D-9iKimj.js","/assets/RegisterView-_uwyuI3z.css","/assets/ReportView-B2vaqnwT.js","/assets/ReportView-DyP-6zc0.css","/assets/ReviewView-Dn-kQum6.js","/assets/ReviewView-DrkLHfFM.css","/assets/RoundPlanView-BuXLL2ia.css","/assets/RoundPlanView-P7kHyh2I.js","/assets/RoundsView-C8NnwFC0.css","/assets/RoundsView-CaeZMoo_.js","/assets/StatusBadge-CAWrJFJ2.js","/assets/SurveyView-CuLNTRrT.css","/assets/SurveyView-D_ykNJrb.js","/assets/TasksView-CiqDe_Pa.css","/assets/TasksView-DSakuQ7A.js","/assets/TrackView-A5G4CsyK.css","/assets/TrackView-xDnJNsYF.js","/assets/areas-BZ8HYV6z.js","/assets/charts-BC-STkuI.js","/assets/charts-BksOX1pR.css","/assets/complaints-DWlRcdRW.js","/assets/dashboard-BT2u_DeI.js","/assets/download-B5iwq984.js","/assets/image-B63KSaaN.js","/assets/index-B7F8AAfo.js","/assets/index-Dv82cCAS.css","/assets/plan-C7u2yjlL.js","/assets/survey-TEWmmCf7.js","/assets/useLoad-DsQgdbBL.js","/assets/volunteer-Bp7IVqez.js"]

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
