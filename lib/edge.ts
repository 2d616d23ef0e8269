import type * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import type { IFunction } from "aws-cdk-lib/aws-lambda";

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

/** What monitoring reads from an edge: API-wide request metrics, with the statistic and period the caller asks for. */
export interface EdgeMetrics {
  /** Requests received. */
  requests(options?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Requests answered 4xx (with the Average statistic: the share of requests, 0 to 1). */
  clientErrors(options?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Requests answered 5xx (with the Average statistic: the share of requests, 0 to 1). */
  serverErrors(options?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

export interface RelayEdge {
  /** Full URL of POST /events. */
  readonly eventsUrl: string;
  /** Full URL of POST /woocommerce (the WooCommerce webhook's delivery URL). */
  readonly woocommerceUrl: string;
  readonly metrics: EdgeMetrics;
}
