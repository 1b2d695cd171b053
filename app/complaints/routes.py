"""Filing, following and handling complaints."""
