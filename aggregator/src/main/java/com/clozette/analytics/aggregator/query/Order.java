package com.clozette.analytics.aggregator.query;

/** One key of a query's row order: a requested metric or dimension, by its wire name. */
public record Order(String field, boolean descending) {}
