import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { CSSProperties, ReactNode } from "react";
import stylesheet from "./styles/app.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export async function loader({ context }: LoaderFunctionArgs) {
  const site = context.site;
  const theme =
    site.kind === "desk"
      ? {
          name: site.desk.theme.name,
          logoUrl: site.desk.theme.logoUrl,
          primary: site.desk.theme.primaryColor,
          accent: site.desk.theme.accentColor,
          tenantName: site.desk.tenantName,
        }
      : {
          name: "PropDesk platform",
          logoUrl: null,
          primary: "#0f766e",
          accent: "#0b1221",
          tenantName: "PropDesk",
        };
  return { nonce: context.nonce, theme, site: site.kind };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.theme.name ?? "PropDesk" }];

function Document({
  children,
  nonce,
  theme,
}: {
  children: ReactNode;
  nonce: string | undefined;
  theme?: { primary: string; accent: string };
}) {
  const style = theme
    ? ({ "--brand": theme.primary, "--ink-strong": theme.accent } as CSSProperties)
    : undefined;
  return (
    <html lang="en" style={style}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  const { nonce, theme } = useLoaderData<typeof loader>();
  return (
    <Document nonce={nonce} theme={theme}>
      <Outlet />
    </Document>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const root = useRouteLoaderData<typeof loader>("root");
  let status = 500;
  let message = "Something went wrong on our side. The error was logged.";
  if (isRouteErrorResponse(error)) {
    status = error.status;
    const d = error.data as { message?: string } | string | undefined;
    message = typeof d === "string" ? d : (d?.message ?? error.statusText);
  }
  const title =
    {
      400: "Bad request",
      401: "Sign in required",
      403: "Not allowed",
      404: "Not found",
      409: "Conflict",
      413: "Too large",
      423: "Suspended",
      429: "Slow down",
    }[status] ?? "Error";
  return (
    <Document nonce={root?.nonce} theme={root?.theme}>
      <main className="center-page">
        <section className="card narrow" role="alert">
          <p className="eyebrow">{status}</p>
          <h1>{title}</h1>
          <p>{message}</p>
          <p>
            <a href="/">Home</a>
          </p>
        </section>
      </main>
    </Document>
  );
}
