import type * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import type { ROUTES } from "../lambdas/contract";

// The API in front of the relay's functions, as the rest of the stack sees it. The REST API (lib/rest-edge.ts)
// is one flavour; another (an HTTP API) is a sibling construct that takes the same functions and offers the
// same members, so neither the functions nor monitoring change with it.

/** The functions an edge routes requests to. */
export interface EdgeFunctions {
  /** POST /events, behind the authorizer. */
  readonly ingest: IFunction;
  /** Checks the bearer key of POST /events. */
  readonly authorizer: IFunction;
  /** POST /woocommerce (authenticated by its HMAC signature inside the function). */
  readonly woocommerce: IFunction;
}

/** A route of the relay's API that carries events: "events" (POST /events) or "woocommerce" (POST /woocommerce). */
export type RouteName = Exclude<keyof typeof ROUTES, "health">;

/** Request metrics, with the statistic and period the caller asks for. */
export interface RequestMetrics {
  /** Requests received. */
  requests(options?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Requests answered 4xx (with the Average statistic: the share of requests, 0 to 1). */
  clientErrors(options?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Requests answered 5xx (with the Average statistic: the share of requests, 0 to 1). */
  serverErrors(options?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/** What monitoring reads from an edge: API-wide request metrics, and the same per route. */
export interface EdgeMetrics extends RequestMetrics {
  /** One route's requests: a failing WooCommerce webhook must not hide among many /events requests. */
  route(route: RouteName): RequestMetrics;
}

export interface RelayEdge {
  /** Full URL of POST /events. */
  readonly eventsUrl: string;
  /** Full URL of POST /woocommerce (the WooCommerce webhook's delivery URL). */
  readonly woocommerceUrl: string;
  readonly metrics: EdgeMetrics;
}
