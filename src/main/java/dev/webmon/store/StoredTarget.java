package dev.webmon.store;

import dev.webmon.event.TargetSpec;
import java.time.Instant;

/** A row of {@code target}: the spec and when the target was first stored. */
public record StoredTarget(TargetSpec spec, Instant createdAt) {}
