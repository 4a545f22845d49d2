package dev.webmon.infra;

import dev.webmon.WebmonException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemGenerationException;

/**
 * A throw-away certificate authority for TLS on loopback: the embedded Kafka broker's SSL
 * listener, client certificates for mutual TLS, and HTTPS test servers. Keys are EC P-256 (fast to
 * generate); certificates are signed with SHA256withECDSA by the JDK's own providers, so no
 * security provider is registered globally.
 *
 * <p>{@link #writeClientFiles(Path, Issued)} writes the three PEM files in the form managed Kafka
 * services hand them out ({@code ca.pem}, {@code service.cert}, {@code service.key}), so a test can
 * configure webmon exactly as a user would.
 *
 * <p>Immutable after creation and thread-safe.
 */
public final class CertificateAuthority {
  /** File name of the CA certificate, as managed Kafka services name it. */
  public static final String CA_FILE = "ca.pem";
  /** File name of the client (access) certificate. */
  public static final String CERT_FILE = "service.cert";
  /** File name of the client private key, PKCS#8 PEM, mode 600. */
  public static final String KEY_FILE = "service.key";

  private static final Duration VALIDITY = Duration.ofDays(3650);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final KeyPair keyPair;
  private final X509Certificate certificate;

  private CertificateAuthority(KeyPair keyPair, X509Certificate certificate) {
    this.keyPair = keyPair;
    this.certificate = certificate;
  }

  /**
   * A certificate and its private key, signed by this CA.
   *
   * @param certificate the leaf certificate
   * @param privateKey its private key
   * @param issuer the CA certificate that signed it
   */
  public record Issued(X509Certificate certificate, PrivateKey privateKey, X509Certificate issuer) {
    public Issued {
      Objects.requireNonNull(certificate, "certificate");
      Objects.requireNonNull(privateKey, "privateKey");
      Objects.requireNonNull(issuer, "issuer");
    }

    /** The certificate followed by the CA certificate, as PEM. */
    public String certificateChainPem() {
      return pem(certificate) + pem(issuer);
    }

    /** The private key as unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}). */
    public String privateKeyPem() {
      try {
        return pem(new JcaPKCS8Generator(privateKey, null));
      } catch (PemGenerationException e) {
        throw new WebmonException("Cannot encode a private key: " + e.getMessage(), e);
      }
    }

    /** A PKCS12 key store holding the key and chain under alias {@code key}. */
    public KeyStore keyStore(char[] password) {
      try {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("key", privateKey, password, new Certificate[] {certificate, issuer});
        return ks;
      } catch (GeneralSecurityException | IOException e) {
        throw new WebmonException("Cannot build a PKCS12 key store: " + e.getMessage(), e);
      }
    }

    /**
     * An SSL context presenting this certificate and trusting only the issuing CA: for an HTTPS
     * test server, or for a client doing mutual TLS.
     */
    public SSLContext sslContext() {
      try {
        char[] pw = new char[0];
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore(pw), pw);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), trustManagers(issuer), null);
        return ctx;
      } catch (GeneralSecurityException e) {
        throw new WebmonException("Cannot build an SSL context: " + e.getMessage(), e);
      }
    }

    /** Writes {@code <name>.pem} (certificate chain) and {@code <name>.key} (mode 600) into dir. */
    public void writePem(Path dir, String name) {
      writeString(dir.resolve(name + ".pem"), certificateChainPem(), false);
      writeString(dir.resolve(name + ".key"), privateKeyPem(), true);
    }
  }

  /** Creates a new CA with a fresh key. */
  public static CertificateAuthority create(String commonName) {
    KeyPair kp = newKeyPair();
    X500Name name = new X500Name("CN=" + commonName);
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = builder(name, name, kp, commonName);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
      return new CertificateAuthority(kp, sign(b, kp.getPrivate()));
    } catch (GeneralSecurityException | CertIOException e) {
      throw new WebmonException("Cannot create a CA certificate: " + e.getMessage(), e);
    }
  }

  /** The CA certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The CA certificate as PEM (the content of {@code ca.pem}). */
  public String certificatePem() {
    return pem(certificate);
  }

  /**
   * Issues a server certificate valid for TLS server and client authentication.
   *
   * @param dnsNames DNS subject alternative names, e.g. {@code localhost}
   * @param ipAddresses IP subject alternative names, e.g. {@code 127.0.0.1}
   */
  public Issued issueServer(String commonName, List<String> dnsNames, List<String> ipAddresses) {
    List<GeneralName> names = new ArrayList<>();
    dnsNames.forEach(d -> names.add(new GeneralName(GeneralName.dNSName, d)));
    ipAddresses.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
    return issue(
        commonName,
        names,
        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth});
  }

  /** Issues a server certificate for {@code localhost} and {@code 127.0.0.1}. */
  public Issued issueLocalhost() {
    return issueServer("localhost", List.of("localhost"), List.of("127.0.0.1"));
  }

  /** Issues a client certificate for mutual TLS. */
  public Issued issueClient(String commonName) {
    return issue(commonName, List.of(), new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth});
  }

  /** A PKCS12 trust store holding only this CA, under alias {@code ca}. */
  public KeyStore trustStore() {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setCertificateEntry("ca", certificate);
      return ks;
    } catch (GeneralSecurityException | IOException e) {
      throw new WebmonException("Cannot build a PKCS12 trust store: " + e.getMessage(), e);
    }
  }

  /** An SSL context for clients that trusts only this CA (no client certificate). */
  public SSLContext clientSslContext() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, trustManagers(certificate), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new WebmonException("Cannot build an SSL context: " + e.getMessage(), e);
    }
  }

  /**
   * Writes the client's files as a managed Kafka service hands them out: {@code ca.pem} (this CA),
   * {@code service.cert} (the client certificate) and {@code service.key} (its PKCS#8 key, mode
   * 600). Creates dir if needed.
   */
  public void writeClientFiles(Path dir, Issued client) {
    writeString(dir.resolve(CA_FILE), certificatePem(), false);
    writeString(dir.resolve(CERT_FILE), pem(client.certificate()), false);
    writeString(dir.resolve(KEY_FILE), client.privateKeyPem(), true);
  }

  /** Writes a key store (or trust store) in PKCS12 format, mode 600. */
  public static void writeKeyStore(KeyStore store, char[] password, Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      createPrivate(file);
      try (OutputStream out = Files.newOutputStream(file)) {
        store.store(out, password);
      }
    } catch (GeneralSecurityException | IOException e) {
      throw new WebmonException("Cannot write key store " + file + ": " + e.getMessage(), e);
    }
  }

  private Issued issue(String commonName, List<GeneralName> sans, KeyPurposeId[] purposes) {
    KeyPair kp = newKeyPair();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b =
          builder(X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()), new X500Name("CN=" + commonName), kp, commonName);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
      if (!sans.isEmpty()) {
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
      }
      return new Issued(sign(b, keyPair.getPrivate()), kp.getPrivate(), certificate);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new WebmonException("Cannot issue a certificate for " + commonName + ": " + e.getMessage(), e);
    }
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair subjectKeys, String cn) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        new BigInteger(64, RANDOM).add(BigInteger.ONE),
        Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(VALIDITY)),
        subject,
        subjectKeys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer) throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new WebmonException("Cannot generate an EC key pair: " + e.getMessage(), e);
    }
  }

  private static TrustManager[] trustManagers(X509Certificate ca) throws GeneralSecurityException {
    try {
      KeyStore ts = KeyStore.getInstance("PKCS12");
      ts.load(null, null);
      ts.setCertificateEntry("ca", ca);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ts);
      return tmf.getTrustManagers();
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
  }

  static String pem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  static void writeString(Path file, String content, boolean secret) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      if (secret) {
        createPrivate(file);
      }
      Files.writeString(file, content, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new WebmonException("Cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Creates (or truncates) the file with mode 600 before any secret is written into it. */
  private static void createPrivate(Path file) throws IOException {
    Files.deleteIfExists(file);
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file); // not a POSIX file system
    }
  }
}
