package dev.webmon.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
  private static final CertificateAuthority CA = CertificateAuthority.create("test CA");

  @Test
  void writesTheFilesAManagedKafkaServiceHandsOut(@TempDir Path dir) throws Exception {
    CA.writeClientFiles(dir, CA.issueClient("client"));

    assertThat(Files.readString(dir.resolve("ca.pem"))).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(Files.readString(dir.resolve("service.cert"))).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(Files.readString(dir.resolve("service.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("service.key"))))
        .isEqualTo("rw-------");
    X509Certificate cert;
    try (InputStream in = Files.newInputStream(dir.resolve("service.cert"))) {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    cert.verify(CA.certificate().getPublicKey());
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=client");
  }

  @Test
  void serverCertificateCoversLocalhostAndLoopbackIp() throws Exception {
    X509Certificate cert = CA.issueLocalhost().certificate();

    assertThat(cert.getSubjectAlternativeNames())
        .extracting(san -> (Object) san.get(1))
        .containsExactlyInAnyOrder("localhost", "127.0.0.1");
    assertThat(CA.certificate().getBasicConstraints()).isZero();
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
  }

  @Test
  void mutualTlsHandshakeOnLoopback() throws Exception {
    CertificateAuthority.Issued server = CA.issueLocalhost();
    CertificateAuthority.Issued client = CA.issueClient("client");
    try (SSLServerSocket listener =
        (SSLServerSocket) server.sslContext().getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listener.setNeedClientAuth(true);
      CompletableFuture<String> peer =
          CompletableFuture.supplyAsync(
              () -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                  s.getInputStream().read();
                  return s.getSession().getPeerPrincipal().getName();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      try (SSLSocket s = (SSLSocket) client.sslContext().getSocketFactory().createSocket("localhost", listener.getLocalPort())) {
        var params = s.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(params);
        OutputStream out = s.getOutputStream();
        out.write(1);
        out.flush();
        assertThat(peer.get(10, TimeUnit.SECONDS)).isEqualTo("CN=client");
        assertThat(List.of(s.getSession().getPeerCertificates())).first().isEqualTo(server.certificate());
      }
    }
  }
}
