package dev.webmon.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/** Refuses secret files (.env, private keys, password files) that others can read. */
public final class SecretFiles {
  private static final Set<PosixFilePermission> OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private SecretFiles() {}

  /**
   * Fails with a message showing the {@code chmod} to run when group or others have any access.
   *
   * @param what the setting or file role, named in the message
   */
  public static void requirePrivate(Path path, String what) {
    Set<PosixFilePermission> perms;
    try {
      perms = Files.getPosixFilePermissions(path);
    } catch (UnsupportedOperationException e) {
      return; // not a POSIX file system: nothing to check
    } catch (IOException e) {
      throw new ConfigException("Cannot read " + what + " file " + path + ": " + e.getMessage());
    }
    Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
    open.addAll(perms);
    open.retainAll(OTHERS);
    if (!open.isEmpty()) {
      throw new ConfigException(
          "Refusing "
              + what
              + " file "
              + path
              + ": it holds secrets but is accessible by group/others ("
              + PosixFilePermissions.toString(perms)
              + "). Run: chmod 600 "
              + path);
    }
  }

  /** Reads a secret from a private file, trimmed of the trailing newline. */
  public static Secret read(Path path, String what) {
    requirePrivate(path, what);
    try {
      return new Secret(Files.readString(path).strip());
    } catch (IOException e) {
      throw new ConfigException("Cannot read " + what + " file " + path + ": " + e.getMessage());
    }
  }
}
