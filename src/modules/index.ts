import type { FastifyInstance } from "fastify";
import { anyRole } from "../platform/auth/policy.ts";
import type { Services } from "../platform/services.ts";
import type { NavItem } from "../platform/web/navigation.ts";
import { accountRoutes } from "./account/routes.ts";
import { adminRoutes } from "./admin/routes.ts";
import { apiRoutes } from "./api/routes.ts";
import { assetsNavigation, assetsRoutes } from "./assets/module.ts";
import { authRoutes } from "./auth/routes.ts";
import { breachesApi } from "./breaches/api.ts";
import { igTeam } from "./breaches/policy.ts";
import { breachesRoutes } from "./breaches/routes.ts";
import { dpiaApi } from "./dpia/api.ts";
import { dpiaNavigation, dpiaRoutes } from "./dpia/routes.ts";
import { homeRoutes } from "./home/routes.ts";
import { matchingRoutes, matchingTeam } from "./matching/routes.ts";
import { obligationsNavigation, obligationsRoutes } from "./obligations/routes.ts";
import { openDataEditors, openDataRoutes } from "./opendata/routes.ts";
import { organisationRoutes } from "./organisation/routes.ts";
import { caseworkers as requestsCaseworkers } from "./requests/policy.ts";
import { requestsRoutes } from "./requests/routes.ts";

export interface StewardModule {
  name: string;
  routes(app: FastifyInstance, services: Services): Promise<void> | void;
  /** Items for the staff service navigation, shown to those whose roles the policy allows. */
  navigation?: NavItem[];
}

/** Every capability plugs in here: its routes register in their own Fastify scope. */
export const modules: StewardModule[] = [
  { name: "home", routes: homeRoutes },
  { name: "auth", routes: authRoutes },
  { name: "account", routes: accountRoutes },
  { name: "admin", routes: adminRoutes },
  { name: "organisation", routes: organisationRoutes },
  {
    name: "requests",
    routes: requestsRoutes,
    navigation: [
      { text: "Requests", href: "/staff/requests", policy: requestsCaseworkers },
      { text: "Bank holidays", href: "/admin/bank-holidays", policy: anyRole("administrator") },
    ],
  },
  { name: "assets", routes: assetsRoutes, navigation: assetsNavigation },
  { name: "obligations", routes: obligationsRoutes, navigation: obligationsNavigation },
  {
    name: "opendata",
    routes: openDataRoutes,
    navigation: [{ text: "Open data", href: "/staff/open-data", policy: openDataEditors }],
  },
  {
    name: "breaches",
    routes: async (app, services) => {
      await breachesRoutes(app, services);
      await breachesApi(app, services);
    },
    navigation: [{ text: "Breaches", href: "/breaches", policy: igTeam }],
  },
  {
    name: "dpia",
    routes: async (app, services) => {
      await dpiaRoutes(app, services);
      await dpiaApi(app, services);
    },
    navigation: dpiaNavigation,
  },
  {
    name: "matching",
    routes: matchingRoutes,
    navigation: [{ text: "Matching", href: "/matching", policy: matchingTeam }],
  },
  { name: "api", routes: apiRoutes },
];
