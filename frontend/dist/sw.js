/* CleanCity service worker: the app shell works offline.
 * Hashed assets are served cache-first (their names change with their
 * content), pages network-first with the cached shell as fallback, and the
 * API is never cached here: the app keeps what it needs offline (the
 * questionnaire, assignments, queued interviews) in IndexedDB itself. */
const VERSION = '1c52d263ffa9eea9'
const CACHE = 'cleancity-' + VERSION
const PRECACHE = ["/","/manifest.webmanifest","/icon.svg","/assets/AreaMap-D_HXy3Jo.css","/assets/AreaMap-D_QwKvsq.js","/assets/BoardView-ALtLRZfO.js","/assets/BoardView-B6n18kLF.css","/assets/CaseView-BGoc7Tyd.css","/assets/CaseView-DtqmemQ2.js","/assets/CasesView-BFAvmcB5.css","/assets/CasesView-Cq0yuswA.js","/assets/DashboardView-Ez2arFit.css","/assets/DashboardView-qo4tuoEH.js","/assets/ErrorBox-BaVkShUY.js","/assets/FormField-oIVLVLrs.js","/assets/InterviewView-B6GHNTRp.css","/assets/InterviewView-DhHvIZIx.js","/assets/LoadState-BJb5LmcT.js","/assets/LoginView-B4lqhCrU.css","/assets/LoginView-cZQB47Ot.js","/assets/NotFoundView-CUsBFawC.js","/assets/OverdueView-6Cd67KbZ.js","/assets/PublicMapView-BbAiXD4G.css","/assets/PublicMapView-CJoKEhRx.js","/assets/RegisterView-CcbNYatt.js","/assets/RegisterView-_uwyuI3z.css","/assets/ReportView-CcV_xfjv.js","/assets/ReportView-DyP-6zc0.css","/assets/ReviewView-DrkLHfFM.css","/assets/ReviewView-j5TxvgoR.js","/assets/RoundPlanView-BuXLL2ia.css","/assets/RoundPlanView-Dc0E48kP.js","/assets/RoundsView-BVBpdksr.js","/assets/RoundsView-C8NnwFC0.css","/assets/StatusBadge-BvclYusx.js","/assets/SurveyView-B43SOX6v.js","/assets/SurveyView-D4m9cRAr.css","/assets/TasksView-BWScxQda.js","/assets/TasksView-CiqDe_Pa.css","/assets/TrackView-A5G4CsyK.css","/assets/TrackView-COwwY-Rt.js","/assets/areas-BE7mfBiY.js","/assets/charts-63Furtb1.js","/assets/charts-BksOX1pR.css","/assets/complaints-XTjzyVjS.js","/assets/dashboard-BwGgONpm.js","/assets/download-B5iwq984.js","/assets/image-B63KSaaN.js","/assets/index-CPljvp2w.css","/assets/index-qqU9SymO.js","/assets/plan-C7u2yjlL.js","/assets/survey-CbSGqFbx.js","/assets/useLoad-CB34XnrK.js","/assets/volunteer-ppys6E_x.js"]

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
