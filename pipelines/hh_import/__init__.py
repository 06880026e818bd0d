"""HeadHunter into the product: vacancies and responses synced by HH id, screened as they come."""
