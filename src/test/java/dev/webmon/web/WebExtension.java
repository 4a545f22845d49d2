package dev.webmon.web;

import dev.webmon.check.AddressPolicy;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class one {@link WebFixture} (web app + shared broker + own database), started on
 * first use and closed after the class. A class annotated {@link OpenReads} gets open reads.
 */
final class WebExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(WebExtension.class);

  /** Starts the class's web app with {@code web.open-reads=true}. */
  @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
  @java.lang.annotation.Target(java.lang.annotation.ElementType.TYPE)
  @interface OpenReads {}

  /** Starts the class's web app with the address policy on (nothing allow-listed). */
  @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
  @java.lang.annotation.Target(java.lang.annotation.ElementType.TYPE)
  @interface BlockPrivateAddresses {}

  /** Starts the class's web app with the address policy on, allowing these networks ({@code check.allowed-networks} entries). */
  @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
  @java.lang.annotation.Target(java.lang.annotation.ElementType.TYPE)
  @interface AllowNetworks {
    String[] value();
  }

  /** Extra settings of the class's web app, each {@code key=value}. */
  @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
  @java.lang.annotation.Target(java.lang.annotation.ElementType.TYPE)
  @interface WebSettings {
    String[] value();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == WebFixture.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ExtensionContext classContext = context;
    while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
      classContext = classContext.getParent().get();
    }
    Class<?> type = classContext.getRequiredTestClass();
    boolean open = type.isAnnotationPresent(OpenReads.class);
    AllowNetworks allowed = type.getAnnotation(AllowNetworks.class);
    AddressPolicy addresses =
        allowed != null
            ? AddressPolicy.of(java.util.Arrays.stream(allowed.value()).map(dev.webmon.check.AllowedNetwork::parse).toList())
            : type.isAnnotationPresent(BlockPrivateAddresses.class) ? AddressPolicy.allowing(List.of()) : AddressPolicy.allowingAll();
    java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();
    WebSettings extra = type.getAnnotation(WebSettings.class);
    if (extra != null) {
      for (String s : extra.value()) {
        settings.put(s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
      }
    }
    ExtensionContext root = context;
    return classContext
        .getStore(NAMESPACE)
        .computeIfAbsent(
            WebFixture.class, k -> WebFixture.start(root, open, addresses, java.time.Clock.systemUTC(), settings), WebFixture.class);
  }
}
