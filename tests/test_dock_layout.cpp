// The AI Music dock as OBS's right-hand column holds it: 300 and 350 px wide, in English and Chinese, with the Qt of
// the release's OBS (5 on Debian 12, 6 on Debian 13), inside libobs under Xvfb. What a user would see is checked:
// no button, chip or label is cut (its text fits, or it is shortened in the middle with the whole text in its
// tooltip), nothing sticks out of the column, every tab's name is whole, and the main action and the progress of a
// running job are inside the first screen. The analyzer's offer is said once and adds the filter to every scene.
// Pictures of each tab are written to build/dock-shots/ for people to look at.
#include <gtest/gtest.h>

#include <obs-module.h>
#include <obs.h>

#include <QAbstractButton>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTabBar>
#include <QTabWidget>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "bgm-controller.h"
#include "bgm-dock.h"
#include "elided-text.h"
#include "support/libobs_session.h"
#include "support/module_text_locale.h"
#include "support/test_support.h"

namespace bgm {
namespace {

// The part of the column a user sees without scrolling: OBS's right-hand dock area in a 1920x1080 window, above
// the bottom docks (Scenes, Sources, Audio Mixer...), with OBS's menu and status bars.
constexpr int kFirstScreen = 560;

void settle(int ms = 100) {
  QElapsedTimer timer;
  timer.start();
  while (timer.elapsed() < ms) QApplication::processEvents(QEventLoop::AllEvents, 20);
}

template <typename Done>
bool wait_until(Done done, int ms) {
  QElapsedTimer timer;
  timer.start();
  while (!done() && timer.elapsed() < ms) QApplication::processEvents(QEventLoop::AllEvents, 20);
  return done();
}

int text_width(const QWidget* w, const QString& text) {
#if QT_VERSION >= QT_VERSION_CHECK(5, 11, 0)
  return w->fontMetrics().horizontalAdvance(text);
#else
  return w->fontMetrics().width(text);
#endif
}

std::string name_of(const QWidget* w, const QString& text) {
  return std::string(w->metaObject()->className()) + " \"" + text.toStdString() + "\"";
}

// What a user would find cut in `dock` as it is shown now: one line per problem.
std::vector<std::string> problems(QWidget* dock) {
  std::vector<std::string> out;
  const QRect column(0, 0, dock->width(), dock->height());
  for (QWidget* w : dock->findChildren<QWidget*>()) {
    if (!w->isVisibleTo(dock) || w->width() <= 0) continue;
    const QRect at(w->mapTo(dock, QPoint(0, 0)), w->size());
    QString text;
    if (auto* e = dynamic_cast<ElidedButton*>(w)) {
      text = e->full_text();
      if (e->text() != text && !e->toolTip().contains(text)) out.push_back(name_of(w, text) + " is shortened without its text in a tooltip");
      if (e->text() != text && !e->text().contains(QChar(0x2026))) out.push_back(name_of(w, text) + " is cut, not shortened");
    } else if (auto* l = dynamic_cast<ElidedLabel*>(w)) {
      text = l->full_text();
      if (l->text() != text && !l->toolTip().contains(text)) out.push_back(name_of(w, text) + " is shortened without its text in a tooltip");
    } else if (auto* b = qobject_cast<QAbstractButton*>(w)) {
      text = b->text();
      if (!text.isEmpty() && b->sizeHint().width() > b->width() + 1)
        out.push_back(name_of(w, text) + " needs " + std::to_string(b->sizeHint().width()) + " px, has " + std::to_string(b->width()));
    } else if (auto* l = qobject_cast<QLabel*>(w)) {
      text = l->text();
      if (!l->wordWrap() && !text.isEmpty() && text_width(l, text) > l->contentsRect().width() + 1)
        out.push_back(name_of(w, text) + " needs " + std::to_string(text_width(l, text)) + " px, has " + std::to_string(l->contentsRect().width()));
    } else if (auto* tabs = qobject_cast<QTabBar*>(w)) {
      for (int i = 0; i < tabs->count(); ++i)
        if (tabs->tabRect(i).width() < text_width(tabs, tabs->tabText(i)) + 12 || tabs->tabRect(i).right() > tabs->width())
          out.push_back("the tab \"" + tabs->tabText(i).toStdString() + "\" is cut");
    } else {
      continue;
    }
    // Inside the column (a scrolled tab's widgets are inside its viewport, which is inside the column).
    if (at.left() < 0 || at.right() > column.right() + 1) out.push_back(name_of(w, text) + " sticks out of the column");
  }
  return out;
}

std::string joined(const std::vector<std::string>& lines) {
  std::ostringstream out;
  for (const auto& l : lines) out << "  " << l << "\n";
  return out.str();
}

class DockLayout : public ::testing::TestWithParam<std::tuple<const char*, int>> {};

TEST_P(DockLayout, NothingIsCutAndTheMainActionIsOnTheFirstScreen) {
  const auto [locale, width] = GetParam();
  ASSERT_TRUE(test::use_plugin_locale(OBS_BGM_DATA_DIR, locale));
  auto dock = std::make_unique<BgmDock>();
  dock->resize(width, 900);  // taller than the first screen: what is below it must still be laid out
  dock->show();
  settle(300);
  auto* tabs = dock->findChild<QTabWidget*>("obsBgmTabs");
  ASSERT_NE(tabs, nullptr);
  const std::string where = std::string(locale) + " at " + std::to_string(width) + " px";
  QDir().mkpath(OBS_BGM_DOCK_SHOTS);
  for (const char* tab : {"score", "results", "live", "settings"}) {
    ASSERT_TRUE(dock->show_tab(tab));
    settle(150);
    const auto found = problems(dock.get());
    EXPECT_TRUE(found.empty()) << where << ", tab " << tab << ":\n" << joined(found);
    dock->grab().save(QString("%1/%2-%3-%4.png").arg(OBS_BGM_DOCK_SHOTS, locale).arg(width).arg(tab));
  }

  // The chips wrap onto lines inside the column instead of being cut.
  std::vector<ElidedButton*> chips;
  for (auto* b : dock->findChildren<QPushButton*>("obsBgmChip")) chips.push_back(dynamic_cast<ElidedButton*>(b));
  ASSERT_EQ(chips.size(), 3u);
  for (const auto* chip : chips) {
    ASSERT_NE(chip, nullptr);
    const QRect at(chip->mapTo(dock.get(), QPoint(0, 0)), chip->size());
    EXPECT_LE(at.right(), width) << chip->full_text().toStdString();
    EXPECT_EQ(chip->text(), chip->full_text()) << "a chip's short name fits whole at " << width << " px";
  }

  // The main action and, once a job runs, its progress are on the first screen, with Cancel beside it.
  auto* main_action = dynamic_cast<ElidedButton*>(dock->findChild<QPushButton*>("obsBgmGenerate"));
  auto* progress = dock->findChild<QProgressBar*>("obsBgmProgress");
  auto* cancel = dock->findChild<QPushButton*>("obsBgmCancel");
  auto* target = dock->findChild<QComboBox*>("obsBgmTarget");
  ASSERT_TRUE(main_action && progress && cancel && target);
  EXPECT_EQ(main_action->full_text(), QString::fromUtf8(obs_module_text("ObsBgm.Main.ScoreRecording")));
  EXPECT_LE(main_action->mapTo(dock.get(), QPoint(0, main_action->height())).y(), kFirstScreen) << where;
  EXPECT_EQ(cancel->mapTo(dock.get(), QPoint(0, 0)).y(), main_action->mapTo(dock.get(), QPoint(0, 0)).y()) << "Cancel is beside it";
  target->setCurrentIndex(target->count() - 1);  // music from words alone: no recording needed
  dock->generate();
  ASSERT_TRUE(wait_until([&] { return progress->isVisible(); }, 5000)) << "a job started from the dock shows its progress";
  settle(300);
  EXPECT_LE(progress->mapTo(dock.get(), QPoint(0, progress->height())).y(), kFirstScreen) << where;
  EXPECT_TRUE(cancel->isEnabled());
  const auto running = problems(dock.get());
  EXPECT_TRUE(running.empty()) << where << ", while scoring:\n" << joined(running);
  dock->grab().save(QString("%1/%2-%3-scoring.png").arg(OBS_BGM_DOCK_SHOTS, locale).arg(width));
  cancel->click();
  EXPECT_TRUE(wait_until([&] { return !progress->isVisible(); }, 15000)) << "Cancel ends the job";
}

INSTANTIATE_TEST_SUITE_P(Widths, DockLayout,
                         ::testing::Combine(::testing::Values("en-US", "zh-CN"), ::testing::Values(300, 350)));

bool scene_has_analyzer(obs_source_t* scene) {
  bool present = false;
  obs_source_enum_filters(
      scene,
      [](obs_source_t*, obs_source_t* filter, void* param) {
        if (std::string(obs_source_get_unversioned_id(filter)) == "obs_bgm_analyzer") *static_cast<bool*>(param) = true;
      },
      &present);
  return present;
}

TEST(DockOffer, TheAnalyzerIsOfferedOnceAndAddedToEveryScene) {
  ASSERT_TRUE(test::use_plugin_locale(OBS_BGM_DATA_DIR, "en-US"));
  obs_scene_t* one = obs_scene_create("Gameplay");
  obs_scene_t* two = obs_scene_create("Talking head");
  auto dock = std::make_unique<BgmDock>();
  dock->resize(300, 900);
  dock->show();
  settle(200);
  auto* offer = dock->findChild<QWidget*>("obsBgmAnalyzerOffer");
  ASSERT_NE(offer, nullptr);
  EXPECT_FALSE(offer->isVisible()) << "nothing is offered before a recording";
  dock->recording_finished("/tmp/nothing-recorded.mkv", false);
  settle(100);
  EXPECT_TRUE(offer->isVisible()) << "a scene recorded without the analyzer: the offer is shown";
  EXPECT_TRUE(BgmController::get().settings().analyzer_offered) << "and remembered, so it is said once";
  const auto found = problems(dock.get());
  EXPECT_TRUE(found.empty()) << joined(found);
  dock->findChild<QPushButton*>("obsBgmAnalyzerEveryScene")->click();
  settle(100);
  EXPECT_FALSE(offer->isVisible());
  EXPECT_TRUE(scene_has_analyzer(obs_scene_get_source(one)));
  EXPECT_TRUE(scene_has_analyzer(obs_scene_get_source(two)));
  // Another recording, another dock (OBS restarted): not offered again.
  auto again = std::make_unique<BgmDock>();
  again->show();
  again->recording_finished("/tmp/nothing-recorded-2.mkv", false);
  settle(100);
  EXPECT_FALSE(again->findChild<QWidget*>("obsBgmAnalyzerOffer")->isVisible());
  again.reset();
  dock.reset();
  obs_scene_release(one);
  obs_scene_release(two);
}

}  // namespace
}  // namespace bgm

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  QApplication app(argc, argv);
  QApplication::setStyle("Fusion");  // OBS's themes are built on Fusion
  bgm::test::TempDir dir;
  bgm::test::LibObsSession obs((dir.path() / "obs-config").string(), 320, 180);
  if (!obs.ok()) {
    std::fprintf(stderr, "libobs did not start: %s\n", obs.why().c_str());
    return 1;
  }
  BgmController::get().start((dir.path() / "bgm-config").string());
  const int result = RUN_ALL_TESTS();
  BgmController::get().stop();
  return result;
}
