package dev.webmon.bench;

import com.google.re2j.Pattern;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;

/**
 * OkHttp doing the work of a check, for the client comparison only (test scope; not in the
 * runtime jar): no connection pooling, HTTP/1.1, an EventListener taking the phase timestamps a
 * check reports, status check and RE2J match on the body.
 */
final class OkHttpBenchClient implements BenchClient {
  private final OkHttpClient client;
  private final Request request;
  private final Optional<Pattern> pattern;

  OkHttpBenchClient(URI url, Optional<String> regex) {
    client =
        new OkHttpClient.Builder()
            .connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS))
            .protocols(List.of(Protocol.HTTP_1_1))
            .proxy(Proxy.NO_PROXY)
            .connectTimeout(5, TimeUnit.SECONDS)
            .callTimeout(10, TimeUnit.SECONDS)
            .eventListenerFactory(call -> new Phases())
            .build();
    request = new Request.Builder().url(url.toString()).header("Connection", "close").build();
    pattern = regex.map(Pattern::compile);
  }

  @Override
  public String name() {
    return "okhttp";
  }

  @Override
  public boolean check() {
    try (Response r = client.newCall(request).execute()) {
      String body = r.body().string();
      boolean statusOk = r.code() >= 200 && r.code() < 400;
      return statusOk && pattern.map(p -> p.matcher(body).find()).orElse(true);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public void close() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  /** Timestamps of the phases, as a check records them. */
  static final class Phases extends EventListener {
    long start;
    long dns;
    long connect;
    long ttfb;
    long end;

    @Override
    public void callStart(Call call) {
      start = System.nanoTime();
    }

    @Override
    public void dnsEnd(Call call, String domainName, List<InetAddress> inetAddressList) {
      dns = System.nanoTime();
    }

    @Override
    public void connectEnd(Call call, InetSocketAddress inetSocketAddress, Proxy proxy, Protocol protocol) {
      connect = System.nanoTime();
    }

    @Override
    public void responseHeadersStart(Call call) {
      ttfb = System.nanoTime();
    }

    @Override
    public void callEnd(Call call) {
      end = System.nanoTime();
    }
  }
}
