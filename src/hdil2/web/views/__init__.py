"""The pages of the web application, one module per page (``urlpatterns`` in each).

Views are thin: they parse the form, call a use case of :mod:`hdil2.registry.services` or an
operation through :func:`hdil2.app.run`, and render the Decision with its reasons. Each declares
the capability it needs with :func:`hdil2.web.roles.requires`.
"""
