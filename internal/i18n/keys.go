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

	// wirelab ws decode (internal/cmd/ws): the decoder's notes, summary
	// and message lines, which websocket.Decoding.WriteText writes in
	// English; ws decode --lang zh says them through Translate.
	WSFrameSummary
	WSList
	WSFin
	WSNotFin
	WSMasked
	WSUnmasked
	WSHeaderBytes
	WSPayloadBytes
	WSReservedOpcode
	WSNoteInvalidAfter
	WSNoteInvalid
	WSNoteEndsHere
	WSNoteMaskedOnWire
	WSNoteControlBetween
	WSNoteNotMinimal7
	WSNoteNotMinimal16
	WSNoteFlagsControl
	WSNoteFlags
	WSFinFinal
	WSFinMore
	WSMask1
	WSMask0
	WSLen126
	WSLen127
	WSLen7
	WSExtLen
	WSForm16
	WSForm64
	WSKey
	WSKeyBare
	WSTruncHeader
	WSTruncPayload
	WSCloseEmpty
	WSCloseStatus
	WSNoReason
	WSReason
	WSUnmaskedSuffix
	WSBytesColon
	WSOneByteColon
	WSCut
	WSEmpty
	WSQuoted
	WSMessageFragmented
	WSMessage
	WSMsgBeforeError
	WSMsgSoFar
	WSOneFrame
	WSFrames
	WSOneByte
	WSBytes
	WSCloseName
	WSClose1000
	WSClose1001
	WSClose1002
	WSClose1003
	WSClose1005
	WSClose1006
	WSClose1007
	WSClose1008
	WSClose1009
	WSClose1010
	WSClose1011
	WSClose1015
	WSErrNotContinuation
	WSErrControlTooLong
	WSErrCloseOneByte
	WSErrLen64MSB
	WSErrRSV
	WSErrRSVHex
	WSErrCloseCode
	WSErrReasonUTF8
	WSErrNoMessage
	WSErrFragmentedControl
	WSErrUTF8Byte
	WSErrMaskedFromServer
	WSErrUnmaskedFromClient
	WSErrReservedOpcode
	WSErrTextEndsInside
	WSErrTextNotUTF8
	WSErrEndsFirstByte
	WSErrEndsHeader
	WSErrEndsPayload
	WSFrameError
	WSHexNoDigits
	WSHexOdd
	WSHexBad
	WSNoFrames
	WSInputTooLarge
	WSFromBad
	WSStdinWithArgs

	// Errors the command line prints last (internal/cmd): cobra's and
	// pflag's, and the commands' own usage errors, said through Translate.
	CLIUnknownCommandSuggest
	CLIUnknownCommand
	CLIInvalidArgSuggest
	CLIInvalidArg
	CLIAtLeast
	CLIAtMost
	CLIExactArgs
	CLIRangeArgs
	CLIRequiredFlags
	CLIUnknownFlag
	CLIUnknownShorthand
	CLINeedsArgShort
	CLINeedsArg
	CLIInvalidFlagValue
	CLIBadFlagSyntax
	CLIBadLang
	CLIUnknownStage
	CLICheckExtraArg
	CLICheckNeedAddr
	CLICheckTimeout
	CLINotUint
	CLINotInt
	CLINotBool
	CLINotDuration
	CLIOutOfRange

	// The demos (lessons/demo), by file.
	DemoBrowserSendWhileConnecting
	DemoBrowserBuffered
	DemoBrowserBareTcpSocketClient
	DemoBrowserBytesArrivedButNothing
	DemoBrowserWebsocketSameTwoSends
	DemoBrowserEachMessageRodeFrame
	DemoBrowserPricePaidOncePer
	DemoBrowserSocketOperatingSystemInterface
	DemoPMThreeOriginsSchemeHost
	DemoPMParentMessageListenerChecks
	DemoPMComparisonExactTrailingSlash
	DemoPMWidgetWebsocketChecksOrigin
	DemoPMSoParentCannotOpen
	DemoPMOpenPagesBrowserWirelab
	DemoPythonNothing
	DemoPythonWirelabCheckWsRuns
	DemoPythonPythonNotInstalledHere
	DemoPythonSays
	DemoPythonWirelabGoClientSent
	DemoPythonWirelabCheckWsEvery
	DemoPythonWhatGoEngineSays
	DemoPythonWirelabPythonPackageNot
	DemoPythonSameCallsPython
	DemoBuildWebsocketEchoServerAbout
	DemoBuildWirelabCheckWsAddr
	DemoBuildNowWriteYourOwn
	DemoHTTPSEavesdroppingTapCopiesEvery
	DemoHTTPSImpersonationWhoAnswering
	DemoHTTPSTamperingManMiddleRewrites
	DemoHTTPSHandshakeRealHttpsServer

	numKeys
)
