"""The desk's views, by area. Each looks up, checks, validates, calls one domain function,
then renders the partial for htmx or redirects (Post/Redirect/Get)."""
