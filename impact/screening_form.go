package impact

// ScreeningQuestionnaire returns the EU AI Act screening questionnaire
// the service screens with ([Options.Screening], by default the built-in
// one), so that answers can be checked before they are recorded.
func (s *Service) ScreeningQuestionnaire() *Form { return s.screen }
