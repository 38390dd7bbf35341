"""Planning a course's modules: agendas, checks, templates, attendance, next steps and the topic backlog."""
