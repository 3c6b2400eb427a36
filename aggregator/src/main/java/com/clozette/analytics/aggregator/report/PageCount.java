package com.clozette.analytics.aggregator.report;

/**
 * One row of the entry or exit page list.
 *
 * @param exitRate exits of the page divided by its pageviews in range; null in the entry list
 */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record PageCount(String path, long sessions, Double exitRate) {}
