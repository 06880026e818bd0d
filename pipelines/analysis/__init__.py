"""Interview analysis: five criterion scores with evidence, a verdict, and the PDF report."""
