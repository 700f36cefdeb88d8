"""Pure helpers that import no Django models: Vietnamese text and dates."""
