"""Feed -> source folder, so staff can edit a published feed in Excel."""
