import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig(({ isSsrBuild }) => ({
  plugins: [
    remix({
      // Every v3 flag on, so the move to React Router 7 stays a codemod.
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: true,
        v3_routeConfig: true,
      },
    }),
  ],
  ssr: {
    // Our packages are TypeScript run by the server process itself (tsx), so the server and the
    // routes share one instance of each module (one data layer, one request context).
    external: ["@propdesk/domain", "@propdesk/db", "@propdesk/services"],
  },
  server: { port: 5173 },
  build: {
    target: "es2022",
    // Vite bundles linked workspace packages despite ssr.external; keep them external in the server
    // build only (the browser bundle must include what it uses, e.g. role labels).
    rollupOptions: isSsrBuild ? { external: (id: string) => id.startsWith("@propdesk/") } : {},
  },
}));
