package dev.webmon.notifier;

/**
 * A destination for notifications: one small class per {@link ChannelType}. Implementations are
 * thread-safe and blocking (meant for virtual threads), hold their secrets so that {@code
 * toString()} never shows them, and never throw for anything the receiver or the network does:
 * every such outcome is a {@link Delivery}.
 */
interface Channel {
  /** The channel's id (part of every dedup key). */
  String id();

  ChannelType type();

  /** Delivers {@code n} once; retries are the caller's business. */
  Delivery send(Notification n);
}
