/* CleanCity service worker: the app shell works offline.
 * Hashed assets are served cache-first (their names change with their
 * content), pages network-first with the cached shell as fallback, and the
 * API is never cached here: the app keeps what it needs offline (the
 * questionnaire, assignments, queued interviews) in IndexedDB itself. */
const VERSION = '756a3e9f25554cda'
const CACHE = 'cleancity-' + VERSION
const PRECACHE = ["/","/manifest.webmanifest","/icon.svg","/assets/AreaMap-BVen4Gqc.js","/assets/AreaMap-D_HXy3Jo.css","/assets/AuditView-BKQ5a0Qh.css","/assets/AuditView-X-OKZwGI.js","/assets/BoardView-B6n18kLF.css","/assets/BoardView-Dcq9cQjP.js","/assets/CaseView-BGoc7Tyd.css","/assets/CaseView-vV_v0R3N.js","/assets/CasesView-BFAvmcB5.css","/assets/CasesView-MyKvBY6F.js","/assets/DashboardView-6Bw5uJHV.js","/assets/DashboardView-Ez2arFit.css","/assets/ErrorBox-Br0vGQET.js","/assets/FormField-BECuGva2.js","/assets/InterviewView-B6GHNTRp.css","/assets/InterviewView-BASHSZaq.js","/assets/LoadState-bP7Szdci.js","/assets/LoginView-80GA57VA.js","/assets/LoginView-B4lqhCrU.css","/assets/NotFoundView-DwYl21qP.js","/assets/OverdueView-CWx-5kjV.js","/assets/PublicMapView-BbAiXD4G.css","/assets/PublicMapView-C5ZTqlrv.js","/assets/RegisterView-Bj2u0i9t.js","/assets/RegisterView-_uwyuI3z.css","/assets/ReportView-D3b_f-wz.js","/assets/ReportView-DyP-6zc0.css","/assets/ReviewView-DrQzaypT.js","/assets/ReviewView-DrkLHfFM.css","/assets/RoundPlanView-BuXLL2ia.css","/assets/RoundPlanView-C2DnPxdL.js","/assets/RoundsView-C8NnwFC0.css","/assets/RoundsView-DX3u-9lc.js","/assets/StatusBadge-D3CIX1zC.js","/assets/SurveyView-Bgx06ciU.js","/assets/SurveyView-Cg1glm2C.css","/assets/TasksView-B6PS2cs6.js","/assets/TasksView-CiqDe_Pa.css","/assets/TrackView-A5G4CsyK.css","/assets/TrackView-CUPZsP6h.js","/assets/areas-B46ZKWEG.js","/assets/charts-B0a4RgGT.js","/assets/charts-BksOX1pR.css","/assets/complaints-B3JC7AM3.js","/assets/dashboard-BGFrWA2O.js","/assets/download-B5iwq984.js","/assets/image-B63KSaaN.js","/assets/index-CPljvp2w.css","/assets/index-CwrpPvZ_.js","/assets/plan-C7u2yjlL.js","/assets/survey-D3MnMYDV.js","/assets/useLoad-C7FRJgGJ.js","/assets/volunteer-Pp2PRkGW.js"]

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
