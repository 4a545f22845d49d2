package dev.webmon.web;

import dev.webmon.event.AlertPolicySpec;

/**
 * Publishes alert policy changes to the compacted policies topic (key = name), which the alerter
 * reads (it never reads PostgreSQL). Thread-safe.
 */
public interface PolicyPublisher extends ChangePublisher<AlertPolicySpec> {}
