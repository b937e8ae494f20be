package i18n

// catalogue holds the texts of every key, English then Chinese. It is
// indexed by Key, so a key given twice does not compile; TestCatalogue
// finds a key left out.
var catalogue = [numKeys]Text{
	// The tutor.
	TutorCommands: {
		"Commands: Enter or n = next, b = back, r = run the demo, h = hint, g N = go to lesson N, l = list, q = quit.",
		"命令：回车或 n = 下一步，b = 上一步，r = 运行演示，h = 提示，g N = 跳到第 N 课，l = 课程列表，q = 退出。",
	},
	TutorSaved: {
		"Progress saved: lesson %d (%s), step %d. Run wirelab learn to continue.",
		"进度已保存：第 %d 课（%s），第 %d 步。运行 wirelab learn 继续。",
	},
	TutorFinished: {
		"🎉 You have finished the course: %d of %d quizzes passed.",
		"🎉 课程全部完成：通过了 %d/%d 个测验。",
	},
	TutorPrompt: {
		"[n]ext [b]ack [r]un [h]int [l]ist [g N] [q]uit > ",
		"[n] 下一步 [b] 上一步 [r] 运行 [h] 提示 [l] 列表 [g N] 跳转 [q] 退出 > ",
	},
	TutorFirstStep:  {"This is the first step.", "已经是第一步了。"},
	TutorDemoFailed: {"The demo failed: %v", "演示失败：%v"},
	TutorUnknownCommand: {
		"Unknown command %q. Enter or n = next, b = back, r = run the demo, h = hint, g N = go to lesson N, l = list, q = quit.",
		"未知命令 %q。回车或 n = 下一步，b = 上一步，r = 运行演示，h = 提示，g N = 跳到第 N 课，l = 课程列表，q = 退出。",
	},
	TutorHint: {"Hint: %s", "提示：%s"},
	TutorRunDemo: {
		"Type r to run this lesson's demo (%s) and watch the real bytes.",
		"输入 r 运行本课的演示（%s），看看真实的字节。",
	},
	TutorQuizPassedBefore: {
		"✓ Lesson %d's quiz is already passed; on to the next lesson. (wirelab lessons quiz %s asks it again.)",
		"✓ 第 %d 课的测验已经通过，直接进入下一课。（想再做一遍：wirelab lessons quiz %s）",
	},
	TutorQuizHeading:  {"quiz ──", "测验 ──"},
	TutorLessonPassed: {"✓ Lesson %d passed.", "✓ 第 %d 课通过。"},
	TutorScore: {
		"%d of %d right. Come back to it any time: wirelab learn %s",
		"答对 %d/%d 题。随时可以回来重做：wirelab learn %s",
	},
	TutorAnswerPrompt: {
		"answer 1-%d, [h]int, [s]kip, [b]ack, [q]uit > ",
		"输入 1-%d 作答，[h] 提示，[s] 跳过，[b] 返回，[q] 退出 > ",
	},
	TutorHintReread:  {"Hint: go back (b) and re-read the lesson.", "提示：输入 b 返回重读本课。"},
	TutorSkipped:     {"Skipped. The answer: %d) %s. %s", "已跳过。答案：%d) %s。%s"},
	TutorEnterNumber: {"Type a number from 1 to %d.", "请输入 1 到 %d 之间的数字。"},
	TutorRight:       {"✓ Right. %s", "✓ 正确。%s"},
	TutorWrong:       {"✗ Not quite: the answer is %d) %s. %s", "✗ 不对：答案是 %d) %s。%s"},

	// The course and its commands.
	CourseNoDemo: {"This lesson has no demo.", "这一课没有演示。"},
	CourseUnknownLesson: {
		"unknown lesson %q; the lessons are (give the number or the id):\n%s",
		"没有课程 %q；可选的课程如下（给出编号或 id 均可）：\n%s",
	},
	LearnBanner: {
		"The wirelab course: %d lessons. Progress is kept in %s",
		"wirelab 课程：%d 课。进度保存在 %s",
	},
	QuizScore:    {"%d of %d right.", "答对 %d/%d 题。"},
	ShowConcepts: {"Concepts", "概念"},
	ShowRunDemo: {
		"Run the demo: `wirelab lessons run %s` (%s)",
		"运行演示：`wirelab lessons run %s`（%s）",
	},
	ShowQuiz: {
		"## Quiz\n\nAnswer these with `wirelab lessons quiz %s`:",
		"## 测验\n\n回答这些问题：`wirelab lessons quiz %s`",
	},
	RunDemoFailed:  {"FAIL %s: %v", "演示 %s 失败：%v"},
	RunDemosFailed: {"%d of %d demos failed", "%[2]d 个演示中有 %[1]d 个失败"},
	RunNeedLesson:  {"give one lesson (its number or id), or --all", "请给出一课（编号或 id），或者用 --all"},

	// The checker.
	CheckAfterHandshake: {", after the handshake", "，握手之后"},
	CheckSent:           {"sent (%d bytes%s):", "发送（%d 字节%s）："},
	CheckReceived:       {"received (%d bytes%s):", "收到（%d 字节%s）："},
	CheckCaretPastEnd:   {"    (the caret is just past the last byte received)", "    （^ 位于收到的最后一个字节之后）"},
	CheckCaretAt:        {"    (the caret marks byte %d)", "    （^ 指向第 %d 个字节）"},
	CheckRule:           {"rule: %s", "规则：%s"},
	CheckHint:           {"hint: %s", "提示：%s"},
	CheckAllPassed:      {"all %d stages passed.", "全部 %d 个阶段通过。"},
	CheckSomeFailed:     {"%d of %d stages passed; %s failed.", "%[2]d 个阶段中通过 %[1]d 个；%[3]s 未通过。"},
	CheckSomePassed:     {"%d of %d stages passed.", "%[2]d 个阶段中通过 %[1]d 个。"},
	CheckFailed:         {"check %s %s: stage %s failed", "检查 %s %s：阶段 %s 未通过"},
}
