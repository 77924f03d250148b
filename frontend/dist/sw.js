/* CleanCity service worker: the app shell works offline.
 * Hashed assets are served cache-first (their names change with their
 * content), pages network-first with the cached shell as fallback, and the
 * API is never cached here: the app keeps what it needs offline (the
 * questionnaire, assignments, queued interviews) in IndexedDB itself. */
const VERSION = '0f14a0a945455e10'
const CACHE = 'cleancity-' + VERSION
const PRECACHE = ["/","/manifest.webmanifest","/icon.svg","/assets/AreaMap-1AHq4z54.js","/assets/AreaMap-D_HXy3Jo.css","/assets/BoardView-B6n18kLF.css","/assets/BoardView-DeYo4LsY.js","/assets/CaseView-B9sepaM1.js","/assets/CaseView-BGoc7Tyd.css","/assets/CasesView-BFAvmcB5.css","/assets/CasesView-C117cyjD.js","/assets/DashboardView-8DYW9fTe.css","/assets/DashboardView-CP1VSVtY.js","/assets/ErrorBox-ga0u75vC.js","/assets/FormField-eystOLN4.js","/assets/InterviewView-B6GHNTRp.css","/assets/InterviewView-BHNejWtY.js","/assets/LoadState-BJqBlyxt.js","/assets/LoginView-B4lqhCrU.css","/assets/LoginView-D_HfBXUG.js","/assets/NotFoundView-BnFDoA7v.js","/assets/OverdueView-c8-fQK0O.js","/assets/PublicMapView-BbAiXD4G.css","/assets/PublicMapView-gOa2lBmS.js","/assets/RegisterView-D-MIxQse.js","/assets/RegisterView-_uwyuI3z.css","/assets/ReportView-BWpofoAY.js","/assets/ReportView-DyP-6zc0.css","/assets/ReviewView-CY7cUC2w.css","/assets/ReviewView-DhDfrOLc.js","/assets/RoundPlanView-BxPVflyb.js","/assets/RoundPlanView-DDOzXdMr.css","/assets/RoundsView-C8NnwFC0.css","/assets/RoundsView-CFzARZ-l.js","/assets/StatusBadge-CaFHBd5c.js","/assets/SurveyView-RgMun8ZU.css","/assets/SurveyView-ttITl1Lz.js","/assets/TasksView-Bfm-TzFx.js","/assets/TasksView-CiqDe_Pa.css","/assets/TrackView-A5G4CsyK.css","/assets/TrackView-By3rj8ss.js","/assets/areas-COq1zv2I.js","/assets/charts-BksOX1pR.css","/assets/charts-DzwRQCIO.js","/assets/complaints-Cg8uNGr0.js","/assets/dashboard-53IdQ_sw.js","/assets/download-B5iwq984.js","/assets/image-B63KSaaN.js","/assets/index-DYZTe3R8.js","/assets/index-Dv82cCAS.css","/assets/plan-C7u2yjlL.js","/assets/survey-b_KQGP1c.js","/assets/useLoad-Dclm9i0F.js","/assets/volunteer-CkQRDu9Q.js"]

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
