"""The Textual front end; everything it does goes through the screen-free core."""
