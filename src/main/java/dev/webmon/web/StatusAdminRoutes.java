package dev.webmon.web;

import dev.webmon.store.StatusPages;
import dev.webmon.store.UnavailableException;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Status pages in the server-rendered UI: the list with a form for a new page, and one page's
 * editor (its fields and logo, components, manual posts and their updates). Every form posts to its
 * own route with the CSRF token; a rejected form re-renders with 400 and the messages, naming the
 * fields, and nothing stored. The page's own form is multipart (its logo file) — the only one.
 */
final class StatusAdminRoutes {
  private static final String BASE = "/status-pages";

  private final Views views;
  private final StatusService service;

  StatusAdminRoutes(Views views, StatusService service) {
    this.views = views;
    this.service = service;
  }

  void register(Routes r) {
    // PRIVATE: the management list names every page, session and token ones too (open reads do not open it).
    r.get(BASE, Access.Rule.PRIVATE, ctx -> list(ctx, 200, List.of(), ""));
    r.post(BASE, Access.Rule.WRITE, this::create);
    r.get(BASE + "/{slug}/edit", Access.Rule.PRIVATE, ctx -> edit(ctx, StatusApiRoutes.slug(ctx), 200, List.of(), ""));
    r.postMultipart(BASE + "/{slug}", ctx -> act(ctx, slug -> service.update(slug, StatusRequests.pageForm(ctx.formParamMap(), logoFile(ctx), slug))));
    r.post(BASE + "/{slug}/delete", Access.Rule.WRITE, this::delete);
    r.post(BASE + "/{slug}/components", Access.Rule.WRITE, ctx -> act(ctx, slug -> service.addComponent(slug, StatusRequests.component(form(ctx)))));
    r.post(
        BASE + "/{slug}/components/{id}/delete", Access.Rule.WRITE,
        ctx -> act(ctx, slug -> {
          service.deleteComponent(slug, StatusApiRoutes.id(ctx));
          return slug;
        }));
    r.post(BASE + "/{slug}/posts", Access.Rule.WRITE, ctx -> act(ctx, slug -> service.addPost(slug, StatusRequests.post(form(ctx)))));
    r.post(
        BASE + "/{slug}/posts/{id}/updates", Access.Rule.WRITE,
        ctx -> act(ctx, slug -> service.addUpdate(slug, StatusApiRoutes.id(ctx), StatusRequests.update(form(ctx)))));
    r.post(
        BASE + "/{slug}/posts/{id}/delete", Access.Rule.WRITE,
        ctx -> act(ctx, slug -> {
          service.deletePost(slug, StatusApiRoutes.id(ctx));
          return slug;
        }));
  }

  @FunctionalInterface
  private interface Action {
    Object run(String slug);
  }

  private void create(Context ctx) {
    try {
      StatusPages.Page p = service.create(StatusRequests.page(form(ctx), Optional.empty()));
      ctx.redirect(BASE + "/" + p.slug() + "/edit", HttpStatus.SEE_OTHER);
    } catch (ValidationException e) {
      list(ctx, 400, e.errors(), "");
    } catch (ConflictException | UnavailableException e) {
      list(ctx, ErrorMapper.status(e), List.of(), e.getMessage());
    }
  }

  private void delete(Context ctx) {
    service.delete(StatusApiRoutes.slug(ctx));
    ctx.redirect(BASE, HttpStatus.SEE_OTHER);
  }

  /** Runs a change of one page, then back to its editor; a rejected form shows the editor with the messages. */
  private void act(Context ctx, Action action) {
    String slug = StatusApiRoutes.slug(ctx);
    service.require(slug);
    try {
      action.run(slug);
      ctx.redirect(BASE + "/" + slug + "/edit", HttpStatus.SEE_OTHER);
    } catch (ValidationException e) {
      edit(ctx, slug, 400, e.errors(), "");
    } catch (ConflictException | UnavailableException e) {
      edit(ctx, slug, ErrorMapper.status(e), List.of(), e.getMessage());
    }
  }

  private void list(Context ctx, int status, List<FieldError> errors, String problem) {
    Map<String, Object> m = Views.page(ctx, "Status pages");
    m.put("pages", service.all());
    m.put("errors", errors);
    m.put("problem", problem);
    ctx.status(status).html(views.render("status_pages", m));
  }

  private void edit(Context ctx, String slug, int status, List<FieldError> errors, String problem) {
    if (Access.caller(ctx).kind() != Access.Kind.SESSION) {
      throw new UnauthorizedException("Please log in to change status pages.");
    }
    StatusPages.Page page = service.require(slug);
    Map<String, Object> m = Views.page(ctx, "Status page " + page.title());
    m.put("p", page);
    m.put("components", service.components(slug));
    m.put("posts", service.posts(slug));
    m.put("statuses", dev.webmon.store.StatusPosts.STATUSES);
    m.put("visibilities", StatusRequests.VISIBILITIES);
    m.put("logoTypes", String.join(",", StatusRequests.LOGO_TYPES));
    m.put("logoError", String.join("; ", errors.stream().filter(e -> e.field().equals("logo")).map(FieldError::message).toList()));
    m.put("errors", errors);
    m.put("problem", problem);
    ctx.status(status).html(views.render("status_edit", m));
  }

  /**
   * The file of the page form's logo input, if one was chosen (a browser sends an empty part
   * without a file name otherwise). Access has bounded the body to {@link Access#MAX_MULTIPART_BYTES}.
   */
  private static StatusRequests.Upload logoFile(Context ctx) {
    if (!ctx.isMultipartFormData()) {
      return StatusRequests.Upload.NONE;
    }
    UploadedFile file = ctx.uploadedFile("logo");
    if (file == null || (file.size() == 0 && file.filename().isEmpty())) {
      return StatusRequests.Upload.NONE;
    }
    try (InputStream in = file.content()) {
      return new StatusRequests.Upload(true, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the uploaded logo", e);
    }
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode form(Context ctx) {
    return StatusRequests.fromForm(ctx.formParamMap());
  }
}
