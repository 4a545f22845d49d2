package dev.webmon.check;

import java.math.BigInteger;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates for HTTPS test servers, made with BouncyCastle (EC P-256: fast to generate). */
final class TestTls {
  private static final char[] PASSWORD = "test".toCharArray();

  /** A certificate and its key; {@code chain[0]} is the leaf. */
  record Identity(PrivateKey key, X509Certificate[] chain) {
    X509Certificate leaf() {
      return chain[0];
    }

    /** A server-side context presenting this identity. */
    SSLContext serverContext() throws Exception {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("server", key, PASSWORD, chain);
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, PASSWORD);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return ctx;
    }
  }

  /** A test certificate authority. */
  static final class Ca {
    private final KeyPair keys;
    final X509Certificate cert;

    Ca() throws Exception {
      keys = keyPair();
      X500Name name = new X500Name("CN=webmon test CA");
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              name, serial(), Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(30))), name, keys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      cert = sign(b, keys.getPrivate());
    }

    /** A server certificate for {@code dnsName} and 127.0.0.1, valid until {@code notAfter}. */
    Identity issue(String dnsName, Instant notAfter) throws Exception {
      KeyPair leafKeys = keyPair();
      X509Certificate leaf = leaf(new X500Name("CN=" + dnsName), dnsName, leafKeys, new X500Name("CN=webmon test CA"), keys.getPrivate(), notAfter);
      return new Identity(leafKeys.getPrivate(), new X509Certificate[] {leaf, cert});
    }

    /** A client context trusting only this CA. */
    SSLContext clientContext() throws Exception {
      KeyStore ts = KeyStore.getInstance("PKCS12");
      ts.load(null, null);
      ts.setCertificateEntry("ca", cert);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ts);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    }
  }

  /** A self-signed server certificate for localhost and 127.0.0.1. */
  static Identity selfSigned() throws Exception {
    KeyPair k = keyPair();
    X500Name name = new X500Name("CN=localhost");
    X509Certificate c = leaf(name, "localhost", k, name, k.getPrivate(), Instant.now().plus(Duration.ofDays(10)));
    return new Identity(k.getPrivate(), new X509Certificate[] {c});
  }

  private static X509Certificate leaf(X500Name subject, String dnsName, KeyPair keys, X500Name issuer, PrivateKey signer, Instant notAfter)
      throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            issuer, serial(), Date.from(now.minus(Duration.ofHours(1))), Date.from(notAfter.truncatedTo(ChronoUnit.SECONDS)), subject, keys.getPublic());
    b.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(
            new GeneralName[] {
              new GeneralName(GeneralName.dNSName, dnsName),
              new GeneralName(GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress())
            }));
    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    return sign(b, signer);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws Exception {
    return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
  }

  private static KeyPair keyPair() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(64, new SecureRandom());
  }

  private TestTls() {}
}
