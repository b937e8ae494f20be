package i18n

// The keys of the catalogue, grouped by the part of the CLI that shows
// them. Each has its texts in catalogue.go.
const (
	// The tutor (wirelab learn, lessons/tutor.go).
	TutorCommands Key = iota
	TutorSaved
	TutorFinished
	TutorPrompt
	TutorFirstStep
	TutorDemoFailed
	TutorUnknownCommand
	TutorHint
	TutorRunDemo
	TutorQuizPassedBefore
	TutorQuizHeading
	TutorLessonPassed
	TutorScore
	TutorAnswerPrompt
	TutorHintReread
	TutorSkipped
	TutorEnterNumber
	TutorRight
	TutorWrong

	// The course and its commands (lessons, internal/cmd/learn,
	// internal/cmd/lessons).
	CourseNoDemo
	CourseUnknownLesson
	LearnBanner
	QuizScore
	ShowConcepts
	ShowRunDemo
	ShowQuiz
	RunDemoFailed
	RunDemosFailed
	RunNeedLesson

	// The checker (wirelab check, lessons/check/show.go).
	CheckAfterHandshake
	CheckSent
	CheckReceived
	CheckCaretPastEnd
	CheckCaretAt
	CheckRule
	CheckHint
	CheckAllPassed
	CheckSomeFailed
	CheckSomePassed
	CheckFailed

	numKeys
)
