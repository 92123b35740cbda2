"""Sign-up, activation, sign-in, sign-out and password reset pages."""
