"""The account page (point 5): details, password change, deletion."""
