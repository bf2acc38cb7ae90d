"""What every app shares and no app owns: modules below the Django apps, without models."""
