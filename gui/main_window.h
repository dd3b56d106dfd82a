// The GUI's main window: summary, task list and kernel log of one dump. Loading runs in a worker
// thread; the window only ever shows finished model snapshots.
#pragma once

#include "model/session.h"

#include <QMainWindow>
#include <memory>

class QLabel;
class QPlainTextEdit;
class QTableWidget;
class QTabWidget;

namespace panicscope::gui {

// Everything the window shows, computed off the GUI thread.
struct LoadedDump {
    std::unique_ptr<model::Session> session;
    QString summary;
    std::vector<model::TaskRow> tasks;
    QString log;
    QString error;
};

class MainWindow : public QMainWindow {
    Q_OBJECT
  public:
    MainWindow();
    ~MainWindow() override;
    // Starts loading in the background; the window updates when done.
    void openDump(const model::SessionOptions& options);

  private:
    void chooseDump();
    void showLoaded(std::shared_ptr<LoadedDump> loaded);

    QTabWidget* tabs_;
    QPlainTextEdit* summary_;
    QTableWidget* tasks_;
    QPlainTextEdit* log_;
    QLabel* status_;
    std::unique_ptr<model::Session> session_;
};

} // namespace panicscope::gui
